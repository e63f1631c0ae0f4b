#!/usr/bin/env bash
# Builds kwok (sigs.k8s.io/kwok, pinned in go.mod here) into bin/kwok. kwok plays
# the kubelet for fake nodes: it marks nodes Ready and pods Running/Ready, so
# StatefulSets and Deployments of the end-to-end tier become Ready without a
# container runtime. Rebuilt only when go.mod, go.sum or this script change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
out="${root}/bin/kwok"
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

want="$(cat "${here}/go.mod" "${here}/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ -x "${out}" && -f "${out}.stamp" && "$(cat "${out}.stamp")" == "${want}" ]]; then
	echo "hack/kwok: ${out#"${root}/"} is up to date"
	exit 0
fi
echo "hack/kwok: building sigs.k8s.io/kwok into ${out#"${root}/"}"
start=${SECONDS}
mkdir -p "$(dirname "${out}")"
(cd "${here}" && go build -trimpath -ldflags "-s -w" -o "${out}.tmp" sigs.k8s.io/kwok/cmd/kwok)
mv -f "${out}.tmp" "${out}"
echo "${want}" >"${out}.stamp"
echo "hack/kwok: built in $((SECONDS - start))s"
