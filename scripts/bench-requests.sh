#!/usr/bin/env bash
# The guichet's figures at scale: seeds a fresh database with `seed-demo --scale N` (200: a
# million requests over a year) and runs the request scenarios of `passerelle bench`, one JSON line
# each. Release build; docs/PERFORMANCE.md records the figures.
#   scripts/bench-requests.sh sqlite [scale]      (SQLITE_PATH, default /tmp/passerelle-bench-requests.sqlite)
#   scripts/bench-requests.sh postgres [scale]    (a throwaway server from scripts/with-postgres.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${2:-200}
binary=.build/release/passerelle
[ -x "$binary" ] || swift build -c release --product passerelle

run() {
  echo "seed-demo --scale $scale" >&2
  /usr/bin/time -f "seeded in %e s" "$binary" seed-demo --scale "$scale" > /dev/null
  for scenario in request_queue_page request_queue_person_api request_search_api request_search_municipal_api \
                  capacity_dashboard capacity_report open311_requests; do
    "$binary" bench --scenario "$scenario" --iterations 1000
  done
  "$binary" bench --scenario request_file_api --iterations 10000
}

export LOG_LEVEL=${LOG_LEVEL:-error}
case "${1:-}" in
  sqlite)
    export SQLITE_PATH=${SQLITE_PATH:-/tmp/passerelle-bench-requests.sqlite}
    rm -f "$SQLITE_PATH" "$SQLITE_PATH-wal" "$SQLITE_PATH-shm"
    run ;;
  postgres)
    exec scripts/with-postgres.sh "$0" inside-postgres "$scale" ;;
  inside-postgres)
    export DATABASE_URL="$TEST_DATABASE_URL"
    run ;;
  *) echo "usage: $0 sqlite|postgres [scale]" >&2; exit 2 ;;
esac
