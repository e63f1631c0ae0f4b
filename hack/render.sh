#!/usr/bin/env bash
# make render: renders every example of test/render/cases.yaml with the real
# Crossplane renderer and prints the composed resources.
#
# It builds the Crossplane CLI and core when missing (hack/crossplane/build.sh),
# builds our composition functions into bin/, and runs render-examples, which
# serves the functions on loopback (function-rivven-cluster on 127.0.0.1:9443,
# function-rivven-connect on 127.0.0.1:9444, --insecure), waits until they
# listen, runs `crossplane render --crossplane-binary=bin/crossplane-core` per
# case and stops the functions again, also on failure or Ctrl-C.
#
# Usage: hack/render.sh [case...]   (default: all cases)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

hack/crossplane/build.sh >&2

# The function packages come from the manifest, so a new function needs no
# change here.
mapfile -t packages < <(awk '$1 == "package:" { print $2 }' test/render/cases.yaml)
echo "render: building ${packages[*]} into bin/" >&2
go build -o bin/ "${packages[@]}" ./test/render/cmd/render-examples

exec bin/render-examples "$@"
