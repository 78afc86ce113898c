#!/usr/bin/env bash
# A real, local Kubernetes control plane on 127.0.0.1 for end-to-end tests and for trying the
# stack without a cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok
# standing in for kubelets (a fake node whose pods become Running and Ready), all built by
# toolchain/toolchain.sh from the Go module proxy. Pre-created PersistentVolumes stand in for the NFS
# server, so the stack's claims bind for real.
#   toolchain/local-cluster.sh up      start it (idempotent); prints the kubeconfig path
#   toolchain/local-cluster.sh down    stop exactly the processes it started and remove their data
#   toolchain/local-cluster.sh env     print `export KUBECONFIG=...`
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${JENKINS_ON_K8S_CLUSTER:-${XDG_CACHE_HOME:-$HOME/.cache}/jenkins-on-k8s-cluster}"
pki="$state/pki"
kubeconfig="$state/admin.kubeconfig"
etcd_port=23790
etcd_peer_port=23800
api_port=16443
api="https://127.0.0.1:$api_port"

log() { printf '[local-cluster] %s\n' "$*" >&2; }

# curl against the API server as the cluster admin.
kcurl() { curl -sS --fail-with-body --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"; }

running() { [ -f "$state/pids/$1" ] && kill -0 "$(cat "$state/pids/$1")" 2>/dev/null; }

# start NAME COMMAND...: runs it in the background, logging to logs/NAME.log.
start() {
    local name="$1"
    shift
    if running "$name"; then
        log "$name: already running (pid $(cat "$state/pids/$name"))"
        return
    fi
    "$@" > "$state/logs/$name.log" 2>&1 &
    echo $! > "$state/pids/$name"
    log "$name: started (pid $!)"
}

# wait_for WHAT SECONDS COMMAND...: retries until the command succeeds.
wait_for() {
    local what="$1" seconds="$2"
    shift 2
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    log "$what did not come up in ${seconds} s; see $state/logs"
    return 1
}

make_pki() {
    [ -f "$pki/admin.crt" ] && return
    log "generating certificates in $pki"
    mkdir -p "$pki"
    (
        cd "$pki"
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt -subj "/CN=jenkins-on-k8s-local-ca" 2>/dev/null
        cat > apiserver.ext <<'EOF'
subjectAltName = IP:127.0.0.1, IP:10.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage = serverAuth
EOF
        openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
        openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile apiserver.ext -out apiserver.crt 2>/dev/null
        echo "extendedKeyUsage = clientAuth" > client.ext
        openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=local-admin" 2>/dev/null
        openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile client.ext -out admin.crt 2>/dev/null
        openssl genrsa -out sa.key 2048 2>/dev/null
        openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    )
    cat > "$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $api
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: local
  context: { cluster: local, user: admin }
current-context: local
EOF
}

# apply PATH JSON: creates the object unless it exists.
apply() {
    local path="$1" body="$2" name
    name="$(printf '%s' "$body" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).metadata.name))')"
    if kcurl "$api$path/$name" >/dev/null 2>&1; then
        return
    fi
    kcurl -X POST -H 'Content-Type: application/json' "$api$path" -d "$body" >/dev/null
    log "created ${path##*/} $name"
}

# The fake node kwok manages, and volumes standing in for the NFS export, bound ahead to the
# claims of the e2e stack (Pulumi.e2e.yaml): JENKINS_HOME and the Maven cache.
seed_objects() {
    apply /api/v1/nodes '{"apiVersion":"v1","kind":"Node","metadata":{"name":"kwok-node-0",
        "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
        "labels":{"kubernetes.io/hostname":"kwok-node-0","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},
        "status":{"allocatable":{"cpu":"32","memory":"128Gi","pods":"110"},"capacity":{"cpu":"32","memory":"128Gi","pods":"110"}}}'
    local pv
    for pv in "jenkins-home devops jenkins-home 5Gi" "agent-cache-maven-repo devops agent-cache-maven-repo 10Gi"; do
        set -- $pv
        apply /api/v1/persistentvolumes "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolume\",
            \"metadata\":{\"name\":\"local-$1\",\"labels\":{\"app.kubernetes.io/part-of\":\"jenkins-on-k8s-local-cluster\"}},
            \"spec\":{\"capacity\":{\"storage\":\"$4\"},\"accessModes\":[\"ReadWriteMany\"],
            \"persistentVolumeReclaimPolicy\":\"Retain\",\"storageClassName\":\"managed-nfs-storage\",
            \"claimRef\":{\"namespace\":\"$2\",\"name\":\"$3\"},
            \"nfs\":{\"server\":\"127.0.0.1\",\"path\":\"/exports/$1\"}}}"
    done
}

# kwok needs Stage objects that say how nodes and pods progress; it ships the standard "fast"
# ones (nodes Ready at once, pods Running and Ready once scheduled) in its module, which the
# toolchain already downloaded.
kwok_stages() {
    local dir go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
    dir="$(cd "$root/toolchain/kwok" && export GOFLAGS=-mod=readonly && "$go" mod download sigs.k8s.io/kwok \
        && "$go" list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
    local stage
    for stage in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
        pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
        echo "---"
        cat "$dir/kustomize/stage/$stage"
    done > "$state/kwok-stages.yaml"
}

node_ready() {
    kcurl "$api/api/v1/nodes/kwok-node-0" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        const ready = (JSON.parse(s).status.conditions || []).find(c => c.type === "Ready");
        process.exit(ready && ready.status === "True" ? 0 : 1)})'
}

up() {
    local bin
    bin="$("$root/toolchain/toolchain.sh" control-plane)"
    mkdir -p "$state/logs" "$state/pids" "$state/etcd"
    make_pki
    kwok_stages
    start etcd "$bin/etcd" --name local --data-dir "$state/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster "local=http://127.0.0.1:$etcd_peer_port" --listen-metrics-urls "" --log-level warn
    wait_for etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"
    start kube-apiserver "$bin/kube-apiserver" \
        --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
        --secure-port "$api_port" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
        --client-ca-file "$pki/ca.crt" --authorization-mode Node,RBAC \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
        --service-cluster-ip-range 10.0.0.0/24 --service-node-port-range 30000-32767 --allow-privileged=true
    wait_for kube-apiserver 90 kcurl "$api/readyz"
    start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$kubeconfig" \
        --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
        --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
        --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
        --use-service-account-credentials=false --controllers '*,-nodeipam,-cloud-node-lifecycle'
    start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$kubeconfig" \
        --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
    start kwok "$bin/kwok" --kubeconfig "$kubeconfig" --config "$state/kwok-stages.yaml" \
        --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
        --node-ip 127.0.0.1 --cidr 10.244.0.0/16 --server-address 127.0.0.1:10247
    seed_objects
    wait_for "the default ServiceAccount" 60 kcurl "$api/api/v1/namespaces/default/serviceaccounts/default"
    wait_for "a Ready node" 60 node_ready
    log "ready: KUBECONFIG=$kubeconfig"
    echo "$kubeconfig"
}

down() {
    local name pid
    for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
        if running "$name"; then
            pid="$(cat "$state/pids/$name")"
            kill "$pid"
            for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -9 "$pid" 2>/dev/null || true
            log "$name: stopped (pid $pid)"
        fi
    done
    rm -rf "$state"
    log "removed $state"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    env) echo "export KUBECONFIG=$kubeconfig" ;;
    *) echo "usage: toolchain/local-cluster.sh up|down|env" >&2; exit 2 ;;
esac
