# Sourced by the scripts that test the real server on a demo year: `demo_server BINARY NAME` fills
# a new SQLite database in a temporary folder with `seed-demo --scale 1`, serves it on a free port,
# and sets `work` (the folder), `base` (the server's address) and `pid`; the server is stopped and
# the folder removed when the script exits.
demo_server() {
    local binary=$1 name=$2 port
    work=$(mktemp -d "/tmp/passerelle-$name.XXXXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    export SQLITE_PATH="$work/passerelle.sqlite" PORT=$port LOG_LEVEL=error ATTACHMENTS_PATH="$work/pieces"
    "$binary" seed-demo --scale 1 > "$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }
    "$binary" serve > "$work/server.log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 150); do curl -sf "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -sf "$base/readyz" >/dev/null || { cat "$work/server.log"; echo "$name: server did not become ready"; exit 1; }
}
