#!/usr/bin/env bash
# Captures the RivvenClusters, RivvenConnects and RivvenTopics of
# testdata/ from a live local control plane, in every state the Argo CD
# health checks tell apart. Each file is an object exactly as the API server
# returned it (kubectl strips managedFields), written as YAML; nothing is
# edited by hand. Run it on a fresh `make run` (the seed examples Ready; the
# broker is a real rivvend):
#
#   make run
#   KUBECONFIG=.work/run/kubeconfig test/argocd/capture.sh
#   make stop
#
# A transient state is taken from a watch opened before the change that
# causes it, so the first object in that state is saved, not a later one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
out="${here}/testdata"
ns=default
command -v python3 >/dev/null && python3 -c 'import yaml' || { echo "python3 with PyYAML is required" >&2; exit 1; }

log() { printf 'capture: %s\n' "$*" >&2; }
to_yaml() { python3 -c 'import json, sys, yaml; yaml.safe_dump(json.load(sys.stdin), sys.stdout, sort_keys=False)'; }

# capture FILE RESOURCE NAME JQ_FILTER [COMMAND...] opens a watch on one
# object, runs COMMAND, and saves the first state of the object for which
# JQ_FILTER is true (it may be the state before COMMAND ran).
capture() {
	local file=$1 res=$2 name=$3 sel=$4
	shift 4
	local tmp
	tmp=$(mktemp)
	kubectl get "${res}" -n "${ns}" --field-selector "metadata.name=${name}" -w -o json >"${tmp}" &
	local watch=$!
	sleep 2 # the watch's initial list
	if [[ $# -gt 0 ]]; then "$@" >/dev/null; fi
	local deadline=$((SECONDS + 300))
	# The file grows while jq reads it; a torn last object fails the parse
	# and is read again on the next pass.
	until jq -e -s "map(select(${sel})) | length > 0" "${tmp}" >/dev/null 2>&1; do
		if ((SECONDS > deadline)); then
			kill "${watch}"
			log "${file}: no state of ${res}/${name} matched ${sel} within 300s"
			exit 1
		fi
		sleep 1
	done
	kill "${watch}" 2>/dev/null || true
	wait "${watch}" 2>/dev/null || true
	mkdir -p "$(dirname "${out}/${file}")"
	jq -s "map(select(${sel})) | .[0]" "${tmp}" | to_yaml >"${out}/${file}"
	rm -f "${tmp}"
	log "${file}"
}

# response FILE COMMAND... saves the object a create or patch returned.
response() {
	local file=$1
	shift
	mkdir -p "$(dirname "${out}/${file}")"
	"$@" -o json | to_yaml >"${out}/${file}"
	log "${file}"
}

cond='(.status.conditions // [])'
has() { echo "(${cond} | map(select($1)) | length > 0)"; }
current="$(has '.type == "Synced" and .observedGeneration == $gen')"
# jq filters below bind $gen to the object's own generation.
g() { echo ".metadata.generation as \$gen | ($1)"; }
ready="$(has '.type == "Ready" and .status == "True"')"
not_ready="$(has '.type == "Ready" and .status == "False"')"
synced_false="$(has '.type == "Synced" and .status == "False" and .reason == "ReconcileError"')"
paused="$(has '.type == "Synced" and .reason == "ReconcilePaused"')"

apply() { kubectl apply --server-side --field-manager=capture -f - ; }
patch() { kubectl patch "$1" "$2" -n "${ns}" --type=merge -p "$3" "${@:4}"; }
pause() { kubectl annotate "$1" "$2" -n "${ns}" crossplane.io/paused=true "${@:3}"; }
unpause() { kubectl annotate "$1" "$2" -n "${ns}" crossplane.io/paused- "${@:3}"; }

## RivvenCluster
c=rivvenclusters
# One broker of the defaults: its claim asks for no storage class, no volume
# binds, and the pod stays Unschedulable (BrokerNotRunning).
response rivvencluster/fresh.yaml kubectl create -f "${root}/examples/cluster/minimal.yaml"
capture rivvencluster/broker-not-running.yaml "${c}" minimal "$(has '.type == "BrokersReady" and .reason == "BrokerNotRunning"')"
# Three brokers of 0.0.22 (cluster mode, known not to start); the three
# fast-ssd volumes belong to production, so these pods stay pending too.
capture rivvencluster/cluster-mode-unsupported.yaml "${c}" unsupported \
	"$(has '.type == "BrokersReady" and .reason == "ClusterModeUnsupported"')" apply <<EOF
apiVersion: rivven.io/v1alpha1
kind: RivvenCluster
metadata: {name: unsupported, namespace: ${ns}}
spec: {replicas: 3, version: "0.0.22", storage: {size: 1Gi, storageClassName: fast-ssd}}
EOF
# Admission admits a zero size, function-rivven-cluster refuses it (Fatal).
capture rivvencluster/fatal.yaml "${c}" refused "${synced_false}" apply <<EOF
apiVersion: rivven.io/v1alpha1
kind: RivvenCluster
metadata: {name: refused, namespace: ${ns}}
spec: {storage: {size: "0"}}
EOF
capture rivvencluster/ready.yaml "${c}" production "$(g "${current} and ${ready}")"
# A broker setting rolls the brokers: the patch's answer is the new
# generation with the old status; then the rollout; then Ready again.
capture rivvencluster/progressing.yaml "${c}" production "$(g "${current} and ${not_ready}")" \
	response rivvencluster/stale-generation.yaml patch "${c}" production '{"spec":{"config":{"defaultPartitions":4}}}'
capture rivvencluster/ready-after-change.yaml "${c}" production "$(g "${current} and ${ready}")"
response rivvencluster/pause-requested.yaml pause "${c}" production
capture rivvencluster/paused.yaml "${c}" production "${paused}"
# Until Crossplane reconciles again, Synced still says ReconcilePaused.
response rivvencluster/unpause-requested.yaml unpause "${c}" production

## RivvenConnect
x=rivvenconnects
response rivvenconnect/fresh.yaml kubectl create -f "${root}/examples/connect/datagen-stdout.yaml"
capture rivvenconnect/ready.yaml "${x}" datagen-demo "$(g "${current} and ${ready}")"
# Its cluster never becomes Ready (see minimal above).
capture rivvenconnect/waiting-for-cluster.yaml "${x}" waiting "$(g "${current} and $(has '.type == "ClusterReady" and .status == "False"')")" \
	apply < <(sed -e 's/name: datagen-demo/name: waiting/' -e 's/name: production/name: minimal/' "${root}/examples/connect/datagen-stdout.yaml")
# A literal credential in a generic config block: admitted, then refused by
# function-rivven-connect (Fatal). The value is a placeholder.
capture rivvenconnect/fatal.yaml "${x}" refused "${synced_false}" apply <<EOF
$(sed -e 's/name: datagen-demo/name: refused/' "${root}/examples/connect/datagen-stdout.yaml")
    - name: hook
      connector: my-webhook
      topics: [demo.orders]
      consumerGroup: hook
      config: {token: placeholder-not-a-secret}
EOF
capture rivvenconnect/progressing.yaml "${x}" datagen-demo "$(g "${current} and ${not_ready}")" \
	response rivvenconnect/stale-generation.yaml patch "${x}" datagen-demo '{"spec":{"replicas":2}}'
capture rivvenconnect/ready-after-change.yaml "${x}" datagen-demo "$(g "${current} and ${ready}")"
response rivvenconnect/pause-requested.yaml pause "${x}" datagen-demo
capture rivvenconnect/paused.yaml "${x}" datagen-demo "${paused}"
# Until Crossplane reconciles again, Synced still says ReconcilePaused.
response rivvenconnect/unpause-requested.yaml unpause "${x}" datagen-demo

## RivvenTopic
# The local control plane's broker is a real rivvend (0.0.22) behind the
# production cluster's Service name.
t=rivventopics
# The watch is open before the create, so the state between the create
# call and the first observation of the new topic is seen.
capture rivventopic/progressing.yaml "${t}" audit-log "$(g "${current} and ${not_ready}")" \
	kubectl apply --server-side --field-manager=capture -f "${root}/examples/topic/minimal.yaml"
capture rivventopic/ready.yaml "${t}" audit-log "$(g "${current} and ${ready}")"
# The seed's topic asks for ACLs and three copies; rivvend holds neither.
capture rivventopic/unsupported-by-broker.yaml "${t}" orders-events \
	"$(g "${current} and ${ready} and $(has '.reason == "UnsupportedByBroker"')")"
response rivventopic/fresh.yaml kubectl create -f - <<EOF
$(sed -e 's/name: audit-log/name: fresh-log/' "${root}/examples/topic/minimal.yaml")
EOF
# A second resource for a topic on the broker that it did not create: the
# provider refuses to adopt it (a provider error).
capture rivventopic/provider-error.yaml "${t}" audit-log-copy "${synced_false}" apply <<EOF
$(sed -e 's/name: audit-log/name: audit-log-copy/' "${root}/examples/topic/minimal.yaml")
  topicName: audit-log
EOF
capture rivventopic/ready-after-change.yaml "${t}" orders-events "$(g "${current} and ${ready} and \$gen > 1")" \
	response rivventopic/stale-generation.yaml patch "${t}" orders-events '{"spec":{"partitions":16}}'
response rivventopic/pause-requested.yaml pause "${t}" audit-log
capture rivventopic/paused.yaml "${t}" audit-log "${paused}"
# Until Crossplane reconciles again, Synced still says ReconcilePaused.
response rivventopic/unpause-requested.yaml unpause "${t}" audit-log

log "done; delete the capture's objects or make stop"
