#!/usr/bin/env bash
# Starts the given passerelle binary on an empty SQLite database and a free port, and checks what a
# fresh clone must show: French home page, search, a municipality, problem+json, a valid OpenAPI 3.1
# document (openapi-spec-validator from PyPI).
set -euo pipefail
binary=${1:-.build/debug/passerelle}
work=$(mktemp -d /tmp/passerelle-smoke.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
SQLITE_PATH="$work/passerelle.sqlite" PORT=$port LOG_LEVEL=warning "$binary" serve > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$base/readyz" >/dev/null || { cat "$work/server.log"; echo "smoke: server did not become ready"; exit 1; }

python3 -m pip install -q openapi-spec-validator >/dev/null 2>&1 || true
python3 - "$base" <<'PY'
import json, sys, urllib.request, urllib.error
base = sys.argv[1]
def get(path, headers={}):
    req = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(req) as r: return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e: return e.code, dict(e.headers), e.read()
failures = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: failures.append(what)
s, h, b = get("/")
check(s == 200 and b'<html lang="fr-CA">' in b, "/ is in French")
s, h, b = get("/api/v1/municipalites?q=riviere%20du%20loup")
check(s == 200 and json.loads(b)["items"][0]["code"] == "12072", "search 'riviere du loup' returns 12072 first")
s, h, b = get("/api/v1/municipalites/71025")
check(s == 200 and json.loads(b)["nom"] == "Saint-Zotique", "/api/v1/municipalites/71025 is Saint-Zotique")
s, h, b = get("/api/v1/municipalites/abc")
check(s == 400 and h.get("content-type", "").startswith("application/problem+json") and json.loads(b)["errors"][0]["name"] == "code",
      "/api/v1/municipalites/abc is a 400 problem naming 'code'")
s, h, b = get("/api/v1/municipalites/99999")
check(s == 404, "/api/v1/municipalites/99999 is 404")
s, h, b = get("/api/v1/municipalites?per_page=100000")
check(s == 400 and json.loads(b)["errors"][0]["name"] == "per_page", "per_page=100000 is a 400 naming per_page")
s, h, b = get("/api/v1/openapi.json")
doc = json.loads(b)
check(doc.get("openapi") == "3.1.0", "openapi.json declares 3.1.0")
try:
    from openapi_spec_validator import validate
    validate(doc)
    check(True, "openapi.json is valid OpenAPI 3.1 (openapi-spec-validator)")
except ImportError:
    check(False, "openapi-spec-validator could not be installed")
except Exception as e:
    check(False, "openapi.json is valid OpenAPI 3.1: %s" % e)
s, h, b = get("/metrics")
check(s == 200 and b"http_requests_total" in b, "/metrics speaks Prometheus")
sys.exit(1 if failures else 0)
PY
