#!/usr/bin/env bash
# npm run try      starts the local control plane and runs `pulumi up -s dev` against it
# npm run try:down tears both down (the cluster, its data and the local stack state)
# See README "Try it without a cluster". Everything stays on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${JENKINS_ON_K8S_CLUSTER:-${XDG_CACHE_HOME:-$HOME/.cache}/jenkins-on-k8s-cluster}"

case "${1:-up}" in
    up)
        export KUBECONFIG
        KUBECONFIG="$("$root/toolchain/local-cluster.sh" up)"
        # The stack's state lives with the cluster, so `down` removes both.
        export JENKINS_ON_K8S_WORKDIR="$state/project"
        "$root/toolchain/pulumi-local.sh" dev up --yes --policy-pack policy
        "$root/toolchain/pulumi-local.sh" dev stack output
        echo
        echo "The dev stack runs on the local control plane: KUBECONFIG=$KUBECONFIG"
        echo "Its pods are simulated by kwok (Running and Ready, no containers); npm run try:down removes it all."
        ;;
    down)
        "$root/toolchain/local-cluster.sh" down
        ;;
    *) echo "usage: toolchain/try-local.sh up|down" >&2; exit 2 ;;
esac
