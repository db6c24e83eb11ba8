#!/usr/bin/env bash
# Two Passerelle instances on one PostgreSQL share their sessions: signed in on the first, the
# second knows the person; signed out on the second, the first forgets them. Run it inside
# scripts/with-postgres.sh (which gives TEST_DATABASE_URL):
#   scripts/with-postgres.sh scripts/two-instances.sh .build/debug/passerelle
set -euo pipefail
binary=${1:-.build/debug/passerelle}
: "${TEST_DATABASE_URL:?run me inside scripts/with-postgres.sh}"
work=$(mktemp -d /tmp/passerelle-two.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
export DATABASE_URL="$TEST_DATABASE_URL" LOG_LEVEL=warning

# Migrate and create the demo accounts once, before either instance starts.
"$binary" seed-demo --scale 1 > "$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }

port_a=$(free_port); port_b=$(free_port)
PORT=$port_a "$binary" serve > "$work/a.log" 2>&1 & pid_a=$!
PORT=$port_b "$binary" serve > "$work/b.log" 2>&1 & pid_b=$!
trap 'kill $pid_a $pid_b 2>/dev/null || true; wait $pid_a $pid_b 2>/dev/null || true; rm -rf "$work"' EXIT
for port in $port_a $port_b; do
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work"/*.log; echo "two-instances: server on $port not ready"; exit 1; }
done

python3 - "$port_a" "$port_b" <<'PY'
import http.cookiejar, re, sys, time, urllib.parse, urllib.request
a, b = (f"http://127.0.0.1:{p}" for p in sys.argv[1:3])
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
def call(url, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(urllib.request.Request(url, data=data)) as r: return r.status, r.read().decode()
    except urllib.error.HTTPError as e: return e.code, e.read().decode()
def csrf(html): return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
failures = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: failures.append(what)

status, html = call(a + "/connexion")
status, _ = call(a + "/connexion", {"email": "rse@riviere-du-loup.demo", "password": "Passerelle-demo-2026", "_csrf": csrf(html)})
check(status == 303, "signed in on instance A")
status, html = call(b + "/mon-compte")
check(status == 200 and "rse@riviere-du-loup.demo" in html, "instance B knows the session opened on A")
status, _ = call(b + "/deconnexion", {"_csrf": csrf(html)})
check(status == 303, "signed out on instance B")
time.sleep(1.5)  # an instance keeps a resolved credential at most one second
status, _ = call(a + "/mon-compte")
check(status == 303, "instance A no longer knows the session closed on B")
sys.exit(1 if failures else 0)
PY
