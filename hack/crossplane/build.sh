#!/usr/bin/env bash
# Builds the Crossplane CLI and Crossplane core from their pinned tools modules
# into bin/:
#   bin/crossplane       the CLI (crossplane render, xpkg build, resource validate)
#   bin/crossplane-core  the core binary; the CLI runs its `internal render`
#                        subcommand when given --crossplane-binary, so rendering
#                        needs no container runtime.
# A binary is rebuilt only when its module's go.mod or go.sum changed since the
# last build (recorded in a stamp file next to it), so repeated calls are cheap.
#
# Usage: hack/crossplane/build.sh [cli|core]...   (default: both)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${ROOT}/bin"
HERE="${ROOT}/hack/crossplane"

# The versions live in each module's go.mod only; workspaces must not widen them.
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

# module_version DIR MODULE prints the version DIR/go.mod requires of MODULE.
module_version() {
	awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"
}

# build NAME DIR MODULE PACKAGE OUTPUT
build() {
	local name="$1" dir="$2" module="$3" pkg="$4" out="$5"
	local version stamp want
	version="$(module_version "${dir}" "${module}")"
	if [[ -z "${version}" ]]; then
		echo "hack/crossplane: ${dir}/go.mod does not require ${module}" >&2
		return 1
	fi
	stamp="${out}.stamp"
	want="${module}@${version} $(cat "${dir}/go.mod" "${dir}/go.sum" | sha256sum | cut -c1-16)"
	if [[ -x "${out}" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
		echo "${name}: ${out#"${ROOT}/"} is up to date (${module}@${version})"
		return 0
	fi
	echo "${name}: building ${module}@${version} into ${out#"${ROOT}/"}"
	local start=${SECONDS}
	mkdir -p "${BIN}"
	# Build to a temporary name so an interrupted build never leaves a binary
	# that looks current.
	(cd "${dir}" && go build -trimpath \
		-ldflags "-s -w -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=${version}" \
		-o "${out}.tmp" "${pkg}")
	mv -f "${out}.tmp" "${out}"
	echo "${want}" >"${stamp}"
	echo "${name}: built in $((SECONDS - start))s"
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(cli core)
for t in "${targets[@]}"; do
	case "${t}" in
	cli) build cli "${HERE}/cli" github.com/crossplane/cli/v2 \
		github.com/crossplane/cli/v2/cmd/crossplane "${BIN}/crossplane" ;;
	core) build core "${HERE}/core" github.com/crossplane/crossplane/v2 \
		github.com/crossplane/crossplane/v2/cmd/crossplane "${BIN}/crossplane-core" ;;
	*)
		echo "usage: $0 [cli|core]..." >&2
		exit 2
		;;
	esac
done
