#!/usr/bin/env bash
# Runs every scenario of `passerelle bench` with a few iterations on a fresh, seeded SQLite
# database, so that none breaks unseen (the figures themselves come from release builds, in
# docs/PERFORMANCE.md). Fails when a scenario fails.
#   scripts/bench-smoke.sh BINARY
set -euo pipefail
binary=${1:?usage: $0 BINARY}
work=$(mktemp -d /tmp/passerelle-bench-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SQLITE_PATH="$work/bench.sqlite" LOG_LEVEL=error ATTACHMENTS_PATH="$work/files"
"$binary" seed-demo --scale 1 > /dev/null
for group in "" requests grants agreements works; do
  echo "bench ${group:-platform}"
  "$binary" bench ${group:+--scenario "$group"} --iterations 3 | grep -c '"scenario"' | sed 's/^/  scenarios run: /'
done
