#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on a free loopback port, runs the given command with
# TEST_DATABASE_URL pointing at it, then stops it and removes its files, whatever the outcome.
#   scripts/with-postgres.sh swift test
# Installs PostgreSQL from Debian's packages when no server is on the machine.
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: installing PostgreSQL (Debian packages)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
  bin=$(find_bin)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
data=$(mktemp -d /tmp/passerelle-pg.XXXXXX)

# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres "$data"; fi

stop() {
  as_owner "$bin/pg_ctl" -D "$data/db" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap stop EXIT

as_owner "$bin/initdb" -D "$data/db" -U passerelle --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w start \
  -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U passerelle passerelle_test

# The server's own client tools (pg_dump, pg_restore, psql) come first, of its major version.
export PATH="$bin:$PATH"
export TEST_DATABASE_URL="postgres://passerelle@127.0.0.1:$port/passerelle_test?sslmode=disable"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
