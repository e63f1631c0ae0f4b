#!/usr/bin/env bash
# make stop: ends the control plane that make run left running. rivven-up
# stops every process it started when it receives SIGTERM.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pidfile="${root}/.work/run.pid"
if [[ ! -f "${pidfile}" ]]; then
	echo "no local control plane is running"
	exit 0
fi
pid="$(cat "${pidfile}")"
if kill -0 "${pid}" 2>/dev/null; then
	kill -TERM "${pid}"
	for _ in $(seq 1 60); do
		kill -0 "${pid}" 2>/dev/null || break
		sleep 1
	done
	if kill -0 "${pid}" 2>/dev/null; then
		echo "rivven-up (pid ${pid}) did not stop within 60s" >&2
		exit 1
	fi
fi
rm -f "${pidfile}" "${root}/.work/run.ready"
echo "stopped the local control plane (pid ${pid})"
