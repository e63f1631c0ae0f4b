#!/usr/bin/env bash
# Builds the code generators pinned in hack/tools/go.mod into bin/, once per
# version of that go.mod.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/bin"
stamp="$bin/.tools-$(sha256sum "$root/hack/tools/go.sum" | cut -c1-16)"
if [[ -x "$bin/controller-gen" && -x "$bin/angryjet" && -f "$stamp" ]]; then
  exit 0
fi
mkdir -p "$bin"
cd "$root/hack/tools"
echo "building controller-gen and angryjet into bin/"
go build -o "$bin/" sigs.k8s.io/controller-tools/cmd/controller-gen github.com/crossplane/crossplane-tools/cmd/angryjet
rm -f "$bin"/.tools-*
touch "$stamp"
