#!/usr/bin/env bash
# Schemathesis (PyPI) over the whole /api/v1 document, against the real server on a database with a
# demo year in it, signed in as the demo administrator (a session: every operation it may call):
# the run fails on any server error and on any response that violates its schema.
#   scripts/schemathesis.sh .build/debug/passerelle [examples per operation, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/passerelle}
examples=${2:-20}
. scripts/python-venv.sh
python_venv .build/python-schemathesis "import schemathesis" "schemathesis>=4,<5"
. scripts/demo-server.sh
demo_server "$binary" schemathesis

# A session of the demo administrator.
cookie=$(python3 - "$base" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
base = sys.argv[1]
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
html = opener.open(base + "/connexion").read().decode()
token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
form = urllib.parse.urlencode({"email": "admin@passerelle.demo", "password": "Passerelle-demo-2026", "_csrf": token}).encode()
try: opener.open(urllib.request.Request(base + "/connexion", data=form))
except urllib.error.HTTPError as e: assert e.code == 303, e.code
print("; ".join(f"{c.name}={c.value}" for c in jar))
PY
)
.build/python-schemathesis/bin/schemathesis run "$base/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "$examples" --seed 2026 -H "Cookie: $cookie" -H "Accept-Language: fr-CA" \
  || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
