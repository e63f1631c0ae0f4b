#!/usr/bin/env bash
# Builds the real Rivven binaries of one pinned version from Rust's crate
# registry into bin/rivven/<version>/ and links them from bin/rivven/:
#   rivvend        the broker                (crate rivvend, default features)
#   rivven-connect the connector runtime     (crate rivven-connect, CONNECT_FEATURES)
#   rivven         the CLI, our independent client (crate rivven)
#   rivven-topic-configs  hack/rivven/topicconfigs: rivven-client's
#                  describe_topic_configs as a command (the CLI has none)
#
# Each binary is built with `cargo install --locked` (the crate's own Cargo.lock)
# and cargo's default release profile: the profile the published binaries get,
# so the tests judge the code users run, not a debug build with other overflow
# and assertion behaviour.
#
# Idempotent: a stamp per binary records its crate, version and features;
# when it matches, nothing is rebuilt. The cargo target directory is a
# build cache like Go's GOCACHE: it defaults to a directory under CARGO_HOME, so
# a fresh clone on a machine that built the same crates before relinks in
# seconds instead of compiling for half an hour.
#
# Usage: hack/rivven/build.sh [VERSION...]   (default: every supported version)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
# shellcheck source=versions.sh
source "${here}/versions.sh"
out="${root}/bin/rivven"
cargo_home="${CARGO_HOME:-${HOME}/.cargo}"
export CARGO_TARGET_DIR="${RIVVEN_CARGO_TARGET_DIR:-${cargo_home}/rivven-on-crossplane-target}"
export PATH="${cargo_home}/bin:${HOME}/.cargo/bin:${PATH}"

log() { printf 'hack/rivven/build.sh: %s\n' "$*" >&2; }

ensure_toolchain() {
	if ! command -v cargo >/dev/null 2>&1; then
		log "cargo not found: install Rust 1.91 or newer (rustup) first"
		exit 1
	fi
	# aws-lc-sys, ring and zstd-sys compile C; mysql_common's build pulls in
	# bindgen, which needs libclang to load even when it generates nothing.
	if ! command -v cc >/dev/null 2>&1; then
		if [ "$(id -u)" -ne 0 ]; then
			log "need a C compiler (apt-get install -y build-essential)"
			exit 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq </dev/null
		apt-get install -y -qq --no-install-recommends build-essential </dev/null
	fi
}

# build BINARY CRATE FEATURE-ARGS...
build() {
	local bin="$1" crate="$2"
	shift 2
	local stamp="${dest}/.${bin}.stamp" want
	want="$(printf '%s\n' "${crate}@${version}" "$*" | sha256sum | cut -c1-16)"
	if [ -x "${dest}/${bin}" ] && [ -f "${stamp}" ] && [ "$(cat "${stamp}")" = "${want}" ]; then
		log "${bin} ${version} is up to date"
		return
	fi
	log "building ${crate} ${version} ($*)"
	local start=${SECONDS} tmp
	tmp="$(mktemp -d)"
	cargo install --locked --quiet --root "${tmp}" --version "=${version}" "$@" "${crate}" </dev/null
	mkdir -p "${dest}"
	# A copy, not a move: cargo hard-links the binary to its target
	# directory, and a later build would then rewrite ours in place.
	install -m 0755 "${tmp}/bin/${bin}" "${dest}/.${bin}.tmp"
	mv -f "${dest}/.${bin}.tmp" "${dest}/${bin}"
	rm -rf "${tmp}"
	echo "${want}" >"${stamp}"
	log "built ${bin} ${version} in $((SECONDS - start))s"
}

# build_checker BINARY DIR: our own small Rust program in DIR (a client
# Rivven's authors wrote, wrapped as a command the tests run), built from its
# committed Cargo.lock. Rebuilt when its sources change.
build_checker() {
	local bin="$1" dir="${root}/$2"
	local stamp="${dest}/.${bin}.stamp" want
	want="$(cat "${dir}/Cargo.toml" "${dir}/Cargo.lock" "${dir}/src/main.rs" | sha256sum | cut -c1-16)"
	if [ -x "${dest}/${bin}" ] && [ -f "${stamp}" ] && [ "$(cat "${stamp}")" = "${want}" ]; then
		log "${bin} is up to date"
		return
	fi
	log "building ${bin} (${2})"
	local start=${SECONDS} tmp
	tmp="$(mktemp -d)"
	cargo install --locked --quiet --root "${tmp}" --path "${dir}" </dev/null
	install -m 0755 "${tmp}/bin/${bin}" "${dest}/.${bin}.tmp"
	mv -f "${dest}/.${bin}.tmp" "${dest}/${bin}"
	rm -rf "${tmp}"
	echo "${want}" >"${stamp}"
	log "built ${bin} in $((SECONDS - start))s"
}

ensure_toolchain
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("${RIVVEN_SUPPORTED_VERSIONS[@]}")
for version in "${versions[@]}"; do
	dest="${out}/${version}"
	mkdir -p "${dest}"
	build rivvend rivvend
	build rivven rivven
	build rivven-connect rivven-connect --no-default-features --features "${RIVVEN_CONNECT_FEATURES}"
	# The checker pins rivven-client of the default version.
	if [ "${version}" = "${RIVVEN_DEFAULT_VERSION}" ]; then
		build_checker rivven-topic-configs hack/rivven/topicconfigs
	fi
	log "Rivven ${version} in ${dest#"${root}/"}"
done

# bin/rivven/{rivvend,rivven-connect,rivven} are the default version's.
for b in rivvend rivven-connect rivven; do
	if [ -x "${out}/${RIVVEN_DEFAULT_VERSION}/${b}" ]; then
		ln -sfn "${RIVVEN_DEFAULT_VERSION}/${b}" "${out}/${b}"
	fi
done
