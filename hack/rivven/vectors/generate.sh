#!/usr/bin/env bash
# Regenerates the Go protocol package's test vectors with the real
# rivven-protocol crate (see README.md). Used by `make rivven-vectors` and
# `make verify-vectors`.
#
# Usage: hack/rivven/vectors/generate.sh [OUT]
#   OUT defaults to provider/internal/clients/rivven/protocol/testdata/vectors.json
#
# The cargo target directory is the one hack/rivven/build.sh uses (a cache
# under CARGO_HOME, shared across clones and kept by CI); cargo locks it, so
# running this while `make rivven` builds only waits.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../../.." && pwd)"
out="${1:-${root}/provider/internal/clients/rivven/protocol/testdata/vectors.json}"
cargo_home="${CARGO_HOME:-${HOME}/.cargo}"
export CARGO_TARGET_DIR="${RIVVEN_CARGO_TARGET_DIR:-${cargo_home}/rivven-on-crossplane-target}"
export PATH="${cargo_home}/bin:${HOME}/.cargo/bin:${PATH}"

if ! command -v cargo >/dev/null 2>&1; then
	echo "hack/rivven/vectors/generate.sh: cargo not found: install Rust (rustup) first" >&2
	exit 1
fi
mkdir -p "$(dirname "${out}")"
# --locked: Cargo.lock pins the crate and its serializers; a build that would
# change it fails instead of silently producing other bytes.
cargo run --locked --release --quiet --manifest-path "${here}/Cargo.toml" -- "${out}" </dev/null
