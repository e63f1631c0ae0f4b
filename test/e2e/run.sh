#!/usr/bin/env bash
# make run: starts bin/rivven-up in the background (its own session, so it
# outlives make), shows its progress, and returns once the seed examples are
# Ready and listed, leaving the control plane running. make stop ends it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${root}/.work/run"
pidfile="${root}/.work/run.pid"
logfile="${root}/.work/run.log"
ready="${root}/.work/run.ready"

if [[ -f "${pidfile}" ]] && kill -0 "$(cat "${pidfile}")" 2>/dev/null; then
	echo "the local control plane is already running (pid $(cat "${pidfile}")); make stop first" >&2
	exit 1
fi
mkdir -p "${root}/.work"
rm -f "${ready}"
start=${SECONDS}
setsid "${root}/bin/rivven-up" -root "${root}" -dir "${state}" -ready-file "${ready}" >"${logfile}" 2>&1 </dev/null &
pid=$!
echo "${pid}" >"${pidfile}"
echo "rivven-up started (pid ${pid}); log ${logfile#"${root}/"}"

# Follow the log until the ready file appears or rivven-up exits.
tail -n +1 -f "${logfile}" --pid="${pid}" &
tailpid=$!
while [[ ! -f "${ready}" ]] && kill -0 "${pid}" 2>/dev/null; do
	sleep 1
done
sleep 1
kill "${tailpid}" 2>/dev/null || true
wait "${tailpid}" 2>/dev/null || true
if [[ ! -f "${ready}" ]]; then
	echo "rivven-up failed after $((SECONDS - start))s; logs under ${state#"${root}/"}/logs" >&2
	rm -f "${pidfile}"
	exit 1
fi
echo "make run: up in $((SECONDS - start))s"
echo "export KUBECONFIG=$(cat "${ready}")"
