#!/usr/bin/env bash
# Fails when the generated files in the tree are not what `make generate`
# produces from the Go types, and leaves the regenerated files in place so
# the difference is visible with git diff.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot() {
  find apis package/crds package/xrds -type f \( -name 'zz_generated*.go' -o -name '*.yaml' \) 2>/dev/null \
    | LC_ALL=C sort | xargs -r sha256sum
}

before=$(snapshot)
make --no-print-directory generate >/dev/null
after=$(snapshot)
if [[ "$before" != "$after" ]]; then
  echo "Generated files were stale; 'make generate' changed:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
echo "generated files are up to date"
