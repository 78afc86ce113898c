#!/usr/bin/env bash
# Builds the real Pulumi engine pieces from the Go module proxy, offline from any other download:
#   pulumi                       the CLI (github.com/pulumi/pulumi/pkg/v3, wrapper toolchain/pulumi)
#   pulumi-language-nodejs       this project's language host (toolchain/language-nodejs; the
#                                upstream module is not served by the proxy, see its main.go)
#   pulumi-resource-kubernetes   the Kubernetes provider (toolchain/kubernetes), matching npm 4.25.0
# Binaries go to a cache outside the clone, keyed by version and by the wrapper's files, and are
# reused when present. Prints progress on stderr and, last on stdout, the directory to put on PATH.
#   scripts/toolchain.sh            build what is missing
#   scripts/toolchain.sh --path     only print the directory (fails if something is missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${JENKINS_ON_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/jenkins-on-k8s-toolchain}"
go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
pulumi_version="v3.274.1"
kubernetes_version="4.25.0"

log() { printf '[toolchain] %s\n' "$*" >&2; }

# A key that changes with the wrapper's pinned modules and sources.
key() { (cd "$root/toolchain/$1" && cat go.mod go.sum ./*.go 2>/dev/null) | sha256sum | cut -c1-12; }

pulumi_dir="$cache/pulumi-$pulumi_version-$(key pulumi)"
language_dir="$cache/language-nodejs-$pulumi_version-$(key language-nodejs)"
kubernetes_dir="$cache/kubernetes-$kubernetes_version-$(key kubernetes)"
bin="$cache/bin-$(printf '%s' "$pulumi_dir$language_dir$kubernetes_dir" | sha256sum | cut -c1-12)"

if [ "${1:-}" = "--path" ]; then
    [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-kubernetes" ] \
        || { log "not built yet: run scripts/toolchain.sh"; exit 1; }
    echo "$bin"
    exit 0
fi

[ -x "$go" ] || { log "no go command (looked for go on PATH and /usr/local/go/bin/go)"; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

# build NAME DIR OUTPUT PACKAGE LDFLAGS: go build in the wrapper module unless OUTPUT exists.
build() {
    local name="$1" dir="$2" out="$3" pkg="$4" ldflags="$5"
    if [ -x "$out" ]; then
        log "$name: cached at $out"
        return
    fi
    log "$name: building (a cold build takes minutes on 2 cores) ..."
    local start=$SECONDS tmp="$out.tmp.$$"
    mkdir -p "$(dirname "$out")"
    (cd "$root/toolchain/$dir" && "$go" build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp" "$pkg")
    mv "$tmp" "$out"
    log "$name: built in $((SECONDS - start)) s"
}

build pulumi pulumi "$pulumi_dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"

build pulumi-language-nodejs language-nodejs "$language_dir/pulumi-language-nodejs" . \
    "-s -w -X main.version=${pulumi_version#v}"

if [ ! -x "$kubernetes_dir/pulumi-resource-kubernetes" ]; then
    # The provider embeds its schema and Terraform mapping; the module zip has them unminified and
    # without a version, so set the version and minify them as the upstream generator does.
    module_dir="$(cd "$root/toolchain/kubernetes" && "$go" mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4 \
        | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    log "pulumi-resource-kubernetes: embedding the schema from $module_dir"
    node -e '
        const fs = require("fs");
        const [src, dst, version] = process.argv.slice(1);
        const schema = JSON.parse(fs.readFileSync(`${src}/schema.json`, "utf8"));
        schema.version = version;
        fs.writeFileSync(`${dst}/schema-embed.json`, JSON.stringify(schema));
        fs.writeFileSync(`${dst}/terraform-mapping-embed.json`,
            JSON.stringify(JSON.parse(fs.readFileSync(`${src}/terraform-mapping.json`, "utf8"))));
    ' "$module_dir/cmd/pulumi-resource-kubernetes" "$root/toolchain/kubernetes" "$kubernetes_version"
fi
build pulumi-resource-kubernetes kubernetes "$kubernetes_dir/pulumi-resource-kubernetes" . \
    "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$kubernetes_version"

mkdir -p "$bin"
ln -sf "$pulumi_dir/pulumi" "$bin/pulumi"
ln -sf "$language_dir/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
ln -sf "$kubernetes_dir/pulumi-resource-kubernetes" "$bin/pulumi-resource-kubernetes"
log "ready: $bin"
echo "$bin"
