#!/usr/bin/env bash
# npm run preview -- <stack> [pulumi preview flags...]
# The real `pulumi preview` of a stack with the policy pack, using the binaries of
# scripts/toolchain.sh, a local file backend and a passphrase: no account, no download.
# The project is copied to a scratch directory first, so that the local stack's secrets salt never
# lands in the committed Pulumi.<stack>.yaml. Without KUBECONFIG it previews against no cluster.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
stack="${1:-}"
[ -n "$stack" ] || { echo "usage: npm run preview -- <stack> [pulumi preview flags]" >&2; exit 2; }
shift
[ -f "$root/Pulumi.$stack.yaml" ] || { echo "no stack file Pulumi.$stack.yaml" >&2; exit 2; }
[ -d "$root/node_modules" ] && [ -d "$root/policy/node_modules" ] \
    || { echo "run npm ci and npm ci --prefix policy first" >&2; exit 2; }

bin="$("$root/scripts/toolchain.sh")"
work="$(mktemp -d "${TMPDIR:-/tmp}/jenkins-on-k8s-preview.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The project as git tracks it (plus uncommitted edits), with the installed dependencies linked.
(cd "$root" && git ls-files -co --exclude-standard -z | grep -zv '^node_modules/\|^policy/node_modules/' \
    | xargs -0 cp --parents -t "$work")
ln -s "$root/node_modules" "$work/node_modules"
ln -s "$root/policy/node_modules" "$work/policy/node_modules"
mkdir -p "$work/.state" "$work/.pulumi-home"

export PATH="$bin:$PATH"
export PULUMI_HOME="$work/.pulumi-home"
export PULUMI_BACKEND_URL="file://$work/.state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-local-preview-only}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_CONFIRMATIONS=true
# Without a reachable API server pulumi-kubernetes previews offline, silently: no server-side
# dry run, no hang (about 10 s here). `pulumi up` then fails with "configured Kubernetes cluster
# is unreachable". Say which case this is.
if [ -z "${KUBECONFIG:-}" ] && [ ! -f "$HOME/.kube/config" ]; then
    echo "[preview] no kubeconfig: previewing offline, from the program alone (no server-side checks)" >&2
else
    echo "[preview] kubeconfig ${KUBECONFIG:-$HOME/.kube/config}: if its cluster is unreachable the provider previews offline, without server-side checks" >&2
fi

cd "$work"
pulumi stack init "$stack" --non-interactive >/dev/null
# The random provider cannot be built here (the Go module proxy does not serve it), so the admin
# password comes from secret config, the stack's documented way around a generated one:
# $JENKINS_ADMIN_PASSWORD when set, otherwise a fresh random one.
if [ -n "${JENKINS_ADMIN_PASSWORD:-}" ]; then
    printf '%s' "$JENKINS_ADMIN_PASSWORD" | pulumi config set --secret jenkinsAdminPassword --stack "$stack" --non-interactive
elif [ ! -x "$bin/pulumi-resource-random" ] && ! pulumi config get jenkinsAdminPassword --stack "$stack" >/dev/null 2>&1; then
    node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))' \
        | pulumi config set --secret jenkinsAdminPassword --stack "$stack" --non-interactive
fi
pulumi preview --stack "$stack" --policy-pack "$work/policy" --non-interactive "$@"
