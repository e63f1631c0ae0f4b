#!/usr/bin/env bash
# Prints a composite resource and every resource composed for it as the API
# server returns them, one YAML document each: the observed state Crossplane
# sends a composition function on every reconcile once the XR has settled,
# managed fields included (Crossplane reads them from its cache unchanged).
# The function benchmarks replay it as their steady-state request.
#
#   make run
#   KUBECONFIG=.work/run/kubeconfig hack/capture-observed.sh rivvencluster default production
#
# Usage: capture-observed.sh <xr-resource> <namespace> <name>
set -euo pipefail

if [[ $# -ne 3 ]]; then
	echo "usage: $0 <xr-resource> <namespace> <name>" >&2
	exit 2
fi
resource=$1 namespace=$2 name=$3

xr=$(kubectl get "${resource}" -n "${namespace}" "${name}" -o json)
echo "---"
kubectl get "${resource}" -n "${namespace}" "${name}" -o yaml --show-managed-fields
# A namespaced XR composes into its own namespace; its resourceRefs name
# every composed resource Crossplane observes for it.
jq -r '.spec.crossplane.resourceRefs[] | (.apiVersion | split("/")) as $gv |
	"\(.kind)\(if ($gv | length) == 2 then "." + $gv[1] + "." + $gv[0] else "" end) \(.name)"' <<<"${xr}" |
	while read -r kind objname; do
		echo "---"
		kubectl get "${kind}" -n "${namespace}" "${objname}" -o yaml --show-managed-fields
	done
