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
# The log exists before rivven-up starts, so following it cannot race its
# creation (tail -f gave up with "cannot open" when it started first).
: >"${logfile}"
start=${SECONDS}
# RIVVEN_UP_FLAGS adds flags (e.g. -broker-addr, to run beside another
# stack), split on spaces.
# shellcheck disable=SC2086
setsid "${root}/bin/rivven-up" -root "${root}" -dir "${state}" -ready-file "${ready}" ${RIVVEN_UP_FLAGS:-} >>"${logfile}" 2>&1 </dev/null &
pid=$!
echo "${pid}" >"${pidfile}"
echo "rivven-up started (pid ${pid}); log ${logfile#"${root}/"}"

# Print what the log gained since the last call. The shell follows the log
# itself, by byte offset, so everything written before the ready file
# (the listing included) reaches the terminal, and no tail is left behind.
printed=0
follow() {
	local size
	size=$(stat -c %s "${logfile}")
	if ((size > printed)); then
		tail -c +$((printed + 1)) "${logfile}" | head -c $((size - printed))
		printed=${size}
	fi
}
trap 'echo; echo "make run interrupted; rivven-up (pid ${pid}) keeps running: make stop ends it" >&2; exit 130' INT
while [[ ! -f "${ready}" ]] && kill -0 "${pid}" 2>/dev/null; do
	follow
	sleep 1
done
follow
if [[ ! -f "${ready}" ]]; then
	echo "rivven-up failed after $((SECONDS - start))s; logs under ${state#"${root}/"}/logs" >&2
	rm -f "${pidfile}"
	exit 1
fi
echo "make run: up in $((SECONDS - start))s"
echo "export KUBECONFIG=$(cat "${ready}")"
