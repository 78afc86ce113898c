#!/usr/bin/env bash
# Builds tools from the Go module proxy, offline from any other download.
# engine (the default):
#   pulumi                       the CLI (github.com/pulumi/pulumi/pkg/v3, wrapper toolchain/pulumi)
#   pulumi-language-nodejs       this project's language host (toolchain/language-nodejs; the
#                                upstream module is not served by the proxy, see its main.go)
#   pulumi-resource-kubernetes   the Kubernetes provider (toolchain/kubernetes), matching npm 4.25.0
# control-plane (for toolchain/local-cluster.sh):
#   etcd (toolchain/etcd), kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#   (toolchain/kube, k8s.io/kubernetes), kwok (toolchain/kwok, the kubelet stand-in)
# Binaries go to a cache outside the clone, keyed by version and by the wrapper's files, and are
# reused when present. Prints progress on stderr and, last on stdout, the directory to put on PATH.
#   toolchain/toolchain.sh [engine|control-plane]          build what is missing
#   toolchain/toolchain.sh --path [engine|control-plane]   only print the directory (fails if missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${JENKINS_ON_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/jenkins-on-k8s-toolchain}"
go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
pulumi_version="v3.274.1"
kubernetes_version="4.25.0"
etcd_version="v3.7.3"
kube_version="v1.36.3"
kwok_version="v0.8.0"

log() { printf '[toolchain] %s\n' "$*" >&2; }

# A key that changes with the wrapper's pinned modules and sources.
key() { (cd "$root/toolchain/$1" && cat go.mod go.sum ./*.go 2>/dev/null) | sha256sum | cut -c1-12; }

only_path=false
if [ "${1:-}" = "--path" ]; then
    only_path=true
    shift
fi
set_name="${1:-engine}"
case "$set_name" in
    engine)
        pulumi_dir="$cache/pulumi-$pulumi_version-$(key pulumi)"
        language_dir="$cache/language-nodejs-$pulumi_version-$(key language-nodejs)"
        kubernetes_dir="$cache/kubernetes-$kubernetes_version-$(key kubernetes)"
        tools=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes)
        dirs="$pulumi_dir$language_dir$kubernetes_dir" ;;
    control-plane)
        etcd_dir="$cache/etcd-$etcd_version-$(key etcd)"
        kube_dir="$cache/kube-$kube_version-$(key kube)"
        kwok_dir="$cache/kwok-$kwok_version-$(key kwok)"
        tools=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
        dirs="$etcd_dir$kube_dir$kwok_dir" ;;
    *) log "unknown set $set_name (engine or control-plane)"; exit 2 ;;
esac
bin="$cache/bin-$set_name-$(printf '%s' "$dirs" | sha256sum | cut -c1-12)"

if $only_path; then
    for tool in "${tools[@]}"; do
        [ -x "$bin/$tool" ] || { log "$tool is not built yet: run toolchain/toolchain.sh $set_name"; exit 1; }
    done
    echo "$bin"
    exit 0
fi

[ -x "$go" ] || { log "no go command (looked for go on PATH and /usr/local/go/bin/go)"; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

# build NAME DIR OUTPUT PACKAGE LDFLAGS: go build in the wrapper module DIR (a directory of
# toolchain/, or an absolute path) unless OUTPUT exists.
build() {
    local name="$1" dir="$2" out="$3" pkg="$4" ldflags="$5"
    if [ -x "$out" ]; then
        log "$name: cached at $out"
        return
    fi
    log "$name: building (a cold build takes minutes on 2 cores) ..."
    local start=$SECONDS tmp="$out.tmp.$$"
    mkdir -p "$(dirname "$out")"
    case "$dir" in /*) ;; *) dir="$root/toolchain/$dir" ;; esac
    (cd "$dir" && "$go" build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp" "$pkg")
    mv "$tmp" "$out"
    log "$name: built in $((SECONDS - start)) s"
}

mkdir -p "$bin"
if [ "$set_name" = engine ]; then
    build pulumi pulumi "$pulumi_dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
        "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"

    build pulumi-language-nodejs language-nodejs "$language_dir/pulumi-language-nodejs" . \
        "-s -w -X main.version=${pulumi_version#v}+jenkins-on-k8s"

    # The provider embeds its schema and Terraform mapping; the module zip has them unminified and
    # without a version, so set the version and minify them as the upstream generator does. They
    # are generated next to a copy of the wrapper in the cache: the source tree stays untouched.
    kubernetes_src="$kubernetes_dir/src"
    if [ ! -x "$kubernetes_dir/pulumi-resource-kubernetes" ]; then
        rm -rf "$kubernetes_src"
        mkdir -p "$kubernetes_src"
        cp "$root/toolchain/kubernetes/go.mod" "$root/toolchain/kubernetes/go.sum" "$root"/toolchain/kubernetes/*.go "$kubernetes_src/"
        provider=github.com/pulumi/pulumi-kubernetes/provider/v4
        module_dir="$(cd "$kubernetes_src" && "$go" mod download "$provider" && "$go" list -m -f '{{.Dir}}' "$provider")"
        log "pulumi-resource-kubernetes: embedding the schema from $module_dir"
        node -e '
            const fs = require("fs");
            const [src, dst, version] = process.argv.slice(1);
            const schema = JSON.parse(fs.readFileSync(`${src}/schema.json`, "utf8"));
            schema.version = version;
            fs.writeFileSync(`${dst}/schema-embed.json`, JSON.stringify(schema));
            fs.writeFileSync(`${dst}/terraform-mapping-embed.json`,
                JSON.stringify(JSON.parse(fs.readFileSync(`${src}/terraform-mapping.json`, "utf8"))));
        ' "$module_dir/cmd/pulumi-resource-kubernetes" "$kubernetes_src" "$kubernetes_version"
    fi
    build pulumi-resource-kubernetes "$kubernetes_src" "$kubernetes_dir/pulumi-resource-kubernetes" . \
        "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$kubernetes_version"

    ln -sf "$pulumi_dir/pulumi" "$bin/pulumi"
    ln -sf "$language_dir/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
    ln -sf "$kubernetes_dir/pulumi-resource-kubernetes" "$bin/pulumi-resource-kubernetes"
else
    build etcd etcd "$etcd_dir/etcd" go.etcd.io/etcd/server/v3 "-s -w"
    minor="${kube_version#v1.}"; minor="${minor%%.*}"
    kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1"
    kube_ldflags="$kube_ldflags -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
    # kubectl too: npm run bench:engine compares pulumi up with kubectl apply on the same cluster.
    for component in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
        build "$component" kube "$kube_dir/$component" "k8s.io/kubernetes/cmd/$component" "$kube_ldflags"
    done
    build kwok kwok "$kwok_dir/kwok" sigs.k8s.io/kwok/cmd/kwok "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_version"
    ln -sf "$etcd_dir/etcd" "$bin/etcd"
    for component in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
        ln -sf "$kube_dir/$component" "$bin/$component"
    done
    ln -sf "$kwok_dir/kwok" "$bin/kwok"
fi
log "ready: $bin"
echo "$bin"
