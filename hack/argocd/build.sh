#!/usr/bin/env bash
# Builds Argo CD (github.com/argoproj/argo-cd/v3, pinned in go.mod here) into
# bin/argocd: the multi-call binary of Argo CD's images, which becomes the
# application controller, the repo server, the CLI and so on by the name it is
# started as (ARGOCD_BINARY_NAME). The end-to-end tier runs its application
# controller and repo server against the local control plane.
#
# Argo CD v3.6 needs Go 1.27 (its go.mod says so). The machine's Go stays as it
# is: GOTOOLCHAIN names the release go.mod pins, which the go command fetches
# once from the module proxy into the module cache.
#
# Rebuilt only when go.mod, go.sum or this script change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
out="${root}/bin/argocd"
toolchain="$(awk '$1 == "toolchain" {print $2}' "${here}/go.mod")"
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN="${toolchain}"

want="$(cat "${here}/go.mod" "${here}/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ -x "${out}" && -f "${out}.stamp" && "$(cat "${out}.stamp")" == "${want}" ]]; then
	echo "hack/argocd: ${out#"${root}/"} is up to date"
	exit 0
fi
echo "hack/argocd: building github.com/argoproj/argo-cd/v3/cmd with ${toolchain} into ${out#"${root}/"}"
start=${SECONDS}
mkdir -p "$(dirname "${out}")"
(cd "${here}" && go build -trimpath -ldflags "-s -w" -o "${out}.tmp" github.com/argoproj/argo-cd/v3/cmd)
mv -f "${out}.tmp" "${out}"
echo "${want}" >"${out}.stamp"
echo "hack/argocd: built in $((SECONDS - start))s"
