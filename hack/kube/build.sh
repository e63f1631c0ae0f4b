#!/usr/bin/env bash
# Builds the control plane for the API server test tier into bin/kube/:
#   kube-apiserver, kube-controller-manager, kube-scheduler  (k8s.io/kubernetes, see go.mod here)
#   etcd                                                       (a link to Debian's etcd-server)
#   crds/monitoring.coreos.com_servicemonitors.yaml            (from prometheus-operator's types, see monitoring/)
# bin/kube/ is laid out as controller-runtime's envtest expects KUBEBUILDER_ASSETS to be.
#
# Idempotent: a stamp records the inputs of the last good build (go.mod, go.sum, this
# script, the Go version); when they match and every binary is present nothing is rebuilt.
# Runs unattended (no stdin): installs etcd-server with apt-get when etcd is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
out="${KUBE_ASSETS_DIR:-${root}/bin/kube}"
kube_version="v1.35.4"
commands=(kube-apiserver kube-controller-manager kube-scheduler)

log() { printf 'hack/kube/build.sh: %s\n' "$*" >&2; }

ensure_etcd() {
	if ! command -v etcd >/dev/null 2>&1 && [ ! -x /usr/bin/etcd ]; then
		log "etcd not found; installing Debian etcd-server"
		if [ "$(id -u)" -ne 0 ]; then
			log "need root to install etcd-server (apt-get install -y etcd-server)"
			exit 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq </dev/null
		apt-get install -y -qq --no-install-recommends etcd-server </dev/null
	fi
	local etcd_bin
	etcd_bin="$(command -v etcd || echo /usr/bin/etcd)"
	ln -sfn "${etcd_bin}" "${out}/etcd"
}

stamp_of_inputs() {
	{
		cat "${here}/go.mod" "${here}/go.sum" "${BASH_SOURCE[0]}"
		go env GOVERSION GOOS GOARCH
	} | sha256sum | cut -d' ' -f1
}

mkdir -p "${out}"
ensure_etcd

# The ServiceMonitor CRD, generated from prometheus-operator's Go types with
# controller-gen, so composed ServiceMonitors meet their real schema.
build_monitoring_crds() {
	local mon="${here}/monitoring" crd="${out}/crds/monitoring.coreos.com_servicemonitors.yaml"
	local want have=""
	want="$(cat "${mon}/go.mod" "${mon}/go.sum" | sha256sum | cut -d' ' -f1)"
	[ -f "${out}/crds/.stamp" ] && have="$(cat "${out}/crds/.stamp")"
	if [ -f "${crd}" ] && [ "${have}" = "${want}" ]; then
		return
	fi
	log "generating the ServiceMonitor CRD"
	local tmp
	tmp="$(mktemp -d)"
	(cd "${mon}" && go run sigs.k8s.io/controller-tools/cmd/controller-gen crd:crdVersions=v1 \
		paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 output:crd:dir="${tmp}")
	mkdir -p "${out}/crds"
	mv -f "${tmp}/monitoring.coreos.com_servicemonitors.yaml" "${crd}"
	rm -rf "${tmp}"
	echo "${want}" >"${out}/crds/.stamp"
}
build_monitoring_crds

want="$(stamp_of_inputs)"
stamp="${out}/.stamp"
complete=true
for c in "${commands[@]}"; do
	[ -x "${out}/${c}" ] || complete=false
done
if ${complete} && [ -f "${stamp}" ] && [ "$(cat "${stamp}")" = "${want}" ]; then
	log "up to date (${kube_version}) in ${out}"
	exit 0
fi

# Version variables as the Kubernetes release build sets them, so that
# kube-apiserver --version and /version report the release we pinned.
pkg=k8s.io/component-base/version
major="${kube_version#v}"; major="${major%%.*}"
minor="${kube_version#v*.}"; minor="${minor%%.*}"
ldflags="-s -w -X ${pkg}.gitVersion=${kube_version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"

rm -f "${stamp}"
for c in "${commands[@]}"; do
	log "building ${c} ${kube_version}"
	(cd "${here}" && CGO_ENABLED=0 go build -trimpath -ldflags "${ldflags}" \
		-o "${out}/${c}.tmp" "k8s.io/kubernetes/cmd/${c}")
	mv -f "${out}/${c}.tmp" "${out}/${c}"
done
echo "${want}" >"${stamp}"
log "built ${kube_version} into ${out}"
