#!/usr/bin/env bash
# Offline `crossplane resource validate`: validates resources against schemas
# (XRDs, CRDs) with no registry access.
#
# The CLI always adds the Crossplane package's own CRDs as a dependency and
# would download them; instead this seeds its cache with the CRDs of the
# pinned Crossplane core module (the same version bin/crossplane-core is built
# from) and names that version with --crossplane-image.
#
# Usage: hack/crossplane/validate.sh SCHEMAS RESOURCES [flags]
#   e.g. hack/crossplane/validate.sh package/xrds examples/cluster
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="${ROOT}/hack/crossplane"

"${HERE}/build.sh" cli core >&2

export GOWORK=off GOFLAGS="-mod=readonly"
(cd "${HERE}/core" && go mod download github.com/crossplane/crossplane/v2)
version="$(cd "${HERE}/core" && go list -m -f '{{.Version}}' github.com/crossplane/crossplane/v2)"
crds="$(cd "${HERE}/core" && go list -m -f '{{.Dir}}' github.com/crossplane/crossplane/v2)/cluster/crds"
image="xpkg.crossplane.io/crossplane/crossplane:${version}"
cache="${ROOT}/bin/crossplane-validate-cache"
pkg="${cache}/${image/:/@}/package.yaml"

if [[ ! -s "${pkg}" ]]; then
	mkdir -p "$(dirname "${pkg}")"
	for f in "${crds}"/*.yaml; do
		echo "---"
		cat "${f}"
	done >"${pkg}.tmp"
	mv -f "${pkg}.tmp" "${pkg}"
fi

exec "${ROOT}/bin/crossplane" resource validate --cache-dir="${cache}" --crossplane-image="${image}" "$@"
