#!/usr/bin/env bash
# Builds Argo CD (github.com/argoproj/argo-cd/v3, pinned in go.mod here) into
# bin/argocd/, laid out as /usr/local/bin of Argo CD's image: the multi-call
# binary argocd, the names it becomes by (argocd-application-controller,
# argocd-repo-server, ...) as symlinks, and the image's helper scripts from the
# same module (the repo server runs git-verify-wrapper.sh on every revision),
# and in crds/ the CRDs of its install manifests.
# The end-to-end tier runs the application controller and the repo server
# against the local control plane with bin/argocd first on PATH.
#
# Argo CD v3.6 needs Go 1.27 (its go.mod says so). The machine's Go stays as it
# is: GOTOOLCHAIN names the release go.mod pins, which the go command fetches
# once from the module proxy into the module cache.
#
# Rebuilt only when go.mod, go.sum or this script change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
dir="${root}/bin/argocd"
out="${dir}/argocd"
toolchain="$(awk '$1 == "toolchain" {print $2}' "${here}/go.mod")"
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN="${toolchain}"

want="$(cat "${here}/go.mod" "${here}/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [[ -x "${out}" && -f "${out}.stamp" && "$(cat "${out}.stamp")" == "${want}" ]]; then
	echo "hack/argocd: ${out#"${root}/"} is up to date"
	exit 0
fi
echo "hack/argocd: building github.com/argoproj/argo-cd/v3/cmd with ${toolchain} into ${out#"${root}/"}"
start=${SECONDS}
rm -rf "${dir}" && mkdir -p "${dir}"
(cd "${here}" && go build -trimpath -ldflags "-s -w" -o "${out}.tmp" github.com/argoproj/argo-cd/v3/cmd)
module="$(cd "${here}" && go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)"
for s in gpg-wrapper.sh git-verify-wrapper.sh; do
	install -m 0755 "${module}/hack/${s}" "${dir}/${s}"
done
# The CRDs of its install manifests, which the end-to-end tier applies.
mkdir -p "${dir}/crds"
install -m 0644 "${module}"/manifests/crds/application-crd.yaml "${module}"/manifests/crds/appproject-crd.yaml "${dir}/crds/"
for n in argocd-application-controller argocd-repo-server; do
	ln -s argocd "${dir}/${n}"
done
mv -f "${out}.tmp" "${out}"
echo "${want}" >"${out}.stamp"
echo "hack/argocd: built in $((SECONDS - start))s"
