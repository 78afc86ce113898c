#!/usr/bin/env bash
# Runs the real Pulumi CLI (built by toolchain/toolchain.sh) on a stack of this project with a local
# file backend and a passphrase: no account, no download. The project is copied to a scratch
# directory first, so that the local stack's secrets salt never lands in the committed
# Pulumi.<stack>.yaml.
#   toolchain/pulumi-local.sh <stack> <pulumi arguments...>
# Environment:
#   JENKINS_ON_K8S_WORKDIR   keep the scratch copy (and the stacks' state) there across calls;
#                            unset: a temporary directory removed at exit
#   JENKINS_ON_K8S_PROJECT   the project inside the copy to run in (default: the root project;
#                            examples/consumer for the consumer example)
#   JENKINS_ADMIN_PASSWORD   the admin password to set as secret config (default: a random one)
#   JENKINS_ON_K8S_GENERATED_PASSWORD=true  set none: the program generates one with @pulumi/random,
#                            whose provider cannot be built here (the engine test shows the error)
#   PULUMI_CONFIG_PASSPHRASE the stacks' passphrase (default: local-only)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
stack="${1:-}"
[ -n "$stack" ] && [ $# -ge 2 ] || { echo "usage: toolchain/pulumi-local.sh <stack> <pulumi arguments...>" >&2; exit 2; }
shift
[ -d "$root/node_modules" ] || { echo "run npm ci first (it installs the program and the policy pack)" >&2; exit 2; }

bin="$("$root/toolchain/toolchain.sh")"
if [ -n "${JENKINS_ON_K8S_WORKDIR:-}" ]; then
    work="$JENKINS_ON_K8S_WORKDIR"
    mkdir -p "$work"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/jenkins-on-k8s.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
fi

if [ ! -e "$work/Pulumi.yaml" ]; then
    # The project as git tracks it (plus uncommitted edits), with the installed dependencies linked.
    (cd "$root" && git ls-files -co --exclude-standard -z | grep -zv '^node_modules/\|^policy/node_modules/' \
        | xargs -0 cp --parents -t "$work")
    # One install for the program and the pack (an npm workspace): the pack resolves from the root.
    ln -s "$root/node_modules" "$work/node_modules"
    # The build, when there is one: lib/launch.js and policy/main.js run it only if it matches the sources.
    if [ -d "$root/bin" ]; then cp -r "$root/bin" "$work/bin"; fi
    mkdir -p "$work/.state" "$work/.pulumi-home"
fi

export PATH="$bin:$PATH"
export PULUMI_HOME="$work/.pulumi-home"
export PULUMI_BACKEND_URL="file://$work/.state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-local-only}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_CONFIRMATIONS=true

cd "$work/${JENKINS_ON_K8S_PROJECT:-.}"
if ! pulumi stack select "$stack" --non-interactive >/dev/null 2>&1; then
    pulumi stack init "$stack" --non-interactive >/dev/null
    if [ -z "${JENKINS_ON_K8S_PROJECT:-}" ] && [ "${JENKINS_ON_K8S_GENERATED_PASSWORD:-}" != true ]; then
        # The random provider cannot be built here (the Go module proxy does not serve it), so the
        # admin password comes from secret config, the stack's documented alternative.
        if [ -n "${JENKINS_ADMIN_PASSWORD:-}" ]; then
            printf '%s' "$JENKINS_ADMIN_PASSWORD"
        else
            node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))'
        fi | pulumi config set --secret jenkinsAdminPassword --stack "$stack" --non-interactive
    fi
fi
pulumi "$@" --stack "$stack" --non-interactive
