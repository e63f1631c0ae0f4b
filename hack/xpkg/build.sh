#!/usr/bin/env bash
# Builds the four Crossplane packages without a container engine:
#   _output/bin/linux_<arch>/<binary>         static binaries (CGO_ENABLED=0)
#   _output/xpkg/images/<package>.tar         their runtime images (hack/runtimeimage)
#   _output/xpkg/<package>.xpkg               function-rivven-cluster, function-rivven-connect,
#                                             provider-rivven (runtime image embedded) and
#                                             configuration-rivven (XRDs + Compositions)
# The package metadata in package/<package>/crossplane.yaml is staged with
# ${REGISTRY} and ${VERSION} substituted, so the Configuration's dependsOn names
# the registry the packages are pushed to.
#
# REGISTRY is where the packages are pushed: a registry host with an optional
# port and an optional path, e.g. registry.example.com/platform. Crossplane
# names a dependency after its repository path without the host
# (registry.example.com/platform/function-rivven-cluster becomes Function
# platform-function-rivven-cluster), and a Composition must reference its
# function by exactly that name: the staged Compositions get the names
# hack/xpkg/depname computes for REGISTRY. compositions/ keeps the bare names
# that crossplane render and the render tier use.
#
# Usage: REGISTRY=host[:port][/path] VERSION=vX.Y.Z hack/xpkg/build.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REGISTRY="${REGISTRY:?set REGISTRY to host[:port]}"
VERSION="${VERSION:?set VERSION to vX.Y.Z}"
ARCH="${ARCH:-$(go env GOARCH)}"
out="${root}/_output"
bindir="${out}/bin/linux_${ARCH}"
xpkgdir="${out}/xpkg"
crossplane="${root}/bin/crossplane"

log() { printf 'hack/xpkg: %s\n' "$*" >&2; }

# A reference's repository path is lower case; a trailing slash would make
# an empty path component.
if [[ ! "${REGISTRY}" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$ ]]; then
	log "REGISTRY=${REGISTRY} is not host[:port][/path] (path components in lower case)"
	exit 2
fi
if [[ ! "${VERSION}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
	log "VERSION=${VERSION} is not a semantic version vX.Y.Z"
	exit 2
fi
for f in package/xrds/rivven.io_rivvenclusters.yaml package/crds/rivven.io_rivventopics.yaml; do
	[[ -f "${root}/${f}" ]] || { log "${f} is missing; run make generate"; exit 1; }
done
[[ -x "${crossplane}" ]] || { log "bin/crossplane is missing; run make crossplane-tools"; exit 1; }

# name:go package:port:entrypoint path
binaries=(
	"function-rivven-cluster:./functions/cluster/cmd/function-rivven-cluster:9443"
	"function-rivven-connect:./functions/connect/cmd/function-rivven-connect:9443"
	"provider-rivven:./provider/cmd/provider:8080"
)

# The name Crossplane gives each package it installs as a dependency.
declare -A depname
for p in function-rivven-cluster function-rivven-connect provider-rivven; do
	depname[${p}]="$(cd "${root}" && go run ./hack/xpkg/depname "${REGISTRY}/${p}")"
done

mkdir -p "${bindir}" "${xpkgdir}/images"
start=${SECONDS}
log "building static binaries into ${bindir#"${root}/"}"
pkgs=()
for b in "${binaries[@]}"; do pkgs+=("$(cut -d: -f2 <<<"${b}")"); done
# One go build for all three shares the compile work; -o DIR names each binary
# after its package directory, which we rename below.
(cd "${root}" && CGO_ENABLED=0 GOOS=linux GOARCH="${ARCH}" go build -trimpath -ldflags "-s -w" -o "${bindir}/" "${pkgs[@]}")
mv -f "${bindir}/provider" "${bindir}/provider-rivven"

stage="$(mktemp -d)"
trap 'rm -rf "${stage}"' EXIT

# stage_meta NAME DIR substitutes the registry and version into the metadata.
stage_meta() {
	sed -e "s|\${REGISTRY}|${REGISTRY}|g" -e "s|\${VERSION}|${VERSION}|g" \
		"${root}/package/$1/crossplane.yaml" >"$2/crossplane.yaml"
	if grep -q '\${' "$2/crossplane.yaml"; then
		log "package/$1/crossplane.yaml has an unknown \${...} placeholder"
		exit 1
	fi
}

# build_xpkg NAME PACKAGE_ROOT EXAMPLES_ROOT [IMAGE_TARBALL]
build_xpkg() {
	local name="$1" pkgroot="$2" examples="$3" image="${4:-}"
	local args=(--package-root="${pkgroot}" --examples-root="${examples}" -o "${xpkgdir}/${name}.xpkg")
	[[ -n "${image}" ]] && args+=(--embed-runtime-image-tarball="${image}")
	"${crossplane}" xpkg build "${args[@]}" >/dev/null
	log "built ${xpkgdir#"${root}/"}/${name}.xpkg"
}

for b in "${binaries[@]}"; do
	IFS=: read -r name _ port <<<"${b}"
	image="${xpkgdir}/images/${name}.tar"
	(cd "${root}" && go run ./hack/runtimeimage -binary "${bindir}/${name}" -tag "${REGISTRY}/${name}:${VERSION}" \
		-ports "${port}" -path "/usr/local/bin/${name}" -arch "${ARCH}" -o "${image}")
	mkdir -p "${stage}/${name}/package" "${stage}/${name}/examples"
	stage_meta "${name}" "${stage}/${name}/package"
	case "${name}" in
	function-rivven-cluster) cp "${root}"/examples/cluster/*.yaml "${stage}/${name}/examples/" ;;
	function-rivven-connect) cp "${root}"/examples/connect/*.yaml "${stage}/${name}/examples/" ;;
	provider-rivven)
		cp "${root}"/package/crds/*.yaml "${stage}/${name}/package/"
		cp "${root}"/examples/topic/*.yaml "${stage}/${name}/examples/"
		;;
	esac
	build_xpkg "${name}" "${stage}/${name}/package" "${stage}/${name}/examples" "${image}"
done

name=configuration-rivven
mkdir -p "${stage}/${name}/package" "${stage}/${name}/examples"
stage_meta configuration "${stage}/${name}/package"
cp "${root}"/package/xrds/*.yaml "${stage}/${name}/package/"
# stage_composition FILE FUNCTION puts the name of FUNCTION's dependency
# package into the functionRef of a Composition, and fails unless exactly
# that reference changed.
stage_composition() {
	local file="$1" fn="$2" to="${depname[$2]}"
	local staged="${stage}/${name}/package/$(basename "${file}")"
	sed -e "s|^\(\s*name: \)${fn}\$|\1${to}|" "${file}" >"${staged}"
	if [[ "$(grep -c "name: ${to}\$" "${staged}")" != 1 ]] || { [[ "${to}" != "${fn}" ]] && grep -q "name: ${fn}\$" "${staged}"; }; then
		log "$(basename "${file}"): expected one functionRef named ${fn}"
		exit 1
	fi
}
stage_composition "${root}/compositions/rivvencluster.yaml" function-rivven-cluster
stage_composition "${root}/compositions/rivvenconnect.yaml" function-rivven-connect
for k in cluster connect topic; do cp "${root}"/examples/${k}/*.yaml "${stage}/${name}/examples/"; done
build_xpkg "${name}" "${stage}/${name}/package" "${stage}/${name}/examples"

# The registry and version the packages were built for and the names
# Crossplane gives the dependencies, read by the end-to-end harness so that it
# serves the packages where their references point and plays the runtime of
# the packages Crossplane creates.
{
	printf 'REGISTRY=%s\nVERSION=%s\nARCH=%s\n' "${REGISTRY}" "${VERSION}" "${ARCH}"
	for p in "${!depname[@]}"; do printf 'NAME_%s=%s\n' "${p}" "${depname[${p}]}"; done | sort
} >"${xpkgdir}/build.env"
log "done in $((SECONDS - start))s"
