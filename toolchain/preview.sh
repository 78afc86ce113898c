#!/usr/bin/env bash
# npm run preview -- <stack> [pulumi preview flags...]
# The real `pulumi preview` of a stack with the policy pack, through toolchain/pulumi-local.sh
# (binaries of toolchain/toolchain.sh, file backend, passphrase, a scratch copy of the project).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
stack="${1:-}"
[ -n "$stack" ] || { echo "usage: npm run preview -- <stack> [pulumi preview flags]" >&2; exit 2; }
shift
[ -f "$root/Pulumi.$stack.yaml" ] || { echo "no stack file Pulumi.$stack.yaml" >&2; exit 2; }

# Without a reachable API server pulumi-kubernetes previews offline, silently: no server-side
# dry run, no hang (about 10 s here). `pulumi up` then fails with "configured Kubernetes cluster
# is unreachable". Say which case this is.
if [ -z "${KUBECONFIG:-}" ] && [ ! -f "$HOME/.kube/config" ]; then
    echo "[preview] no kubeconfig: previewing offline, from the program alone (no server-side checks)" >&2
else
    echo "[preview] kubeconfig ${KUBECONFIG:-$HOME/.kube/config}: if its cluster is unreachable the provider previews offline, without server-side checks" >&2
fi
exec "$root/toolchain/pulumi-local.sh" "$stack" preview --policy-pack policy "$@"
