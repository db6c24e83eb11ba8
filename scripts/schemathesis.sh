#!/usr/bin/env bash
# Schemathesis (PyPI) over the whole /api/v1 document, against the real server on a database with a
# demo year in it, signed in as the demo administrator (a session: every operation it may call),
# with every check schemathesis has (scripts/schemathesis.toml): the run fails on any server error,
# any response that violates its schema, any authentication ignored, any bad input accepted.
#   scripts/schemathesis.sh .build/debug/passerelle [examples per operation, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/passerelle}
examples=${2:-20}
. scripts/python-venv.sh
python_venv .build/python-schemathesis "import schemathesis" "schemathesis>=4,<5"
. scripts/demo-server.sh
demo_server "$binary" schemathesis

# A session of the demo administrator, and records of the demo year for the operations on one.
export PASSERELLE_SESSION=$(python3 - "$base" <<'PY'
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
print(next(c.value for c in jar if c.name == "passerelle_session"))
PY
)
first() { # first PATH FIELD: the field of the first item the API lists at PATH
    curl -sf -H "Cookie: passerelle_session=$PASSERELLE_SESSION" "$base$1" | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['$2'])"
}
export PASSERELLE_DEMANDE_AIDE=$(first "/api/v1/demandes-aide?per_page=1" numero)
export PASSERELLE_CONVENTION=$(first "/api/v1/conventions?per_page=1" numero)
export PASSERELLE_APPEL=$(first "/api/v1/demandes-aide?per_page=1" appel)
export PASSERELLE_ORGANISATION=$(first "/api/v1/conventions?per_page=1" organisation)
export PASSERELLE_INTERVENTION=$(first "/api/v1/interventions?per_page=1" numero)
export PASSERELLE_PAIRE=$(first "/api/v1/interventions/paires" id)
.build/python-schemathesis/bin/schemathesis --config-file scripts/schemathesis.toml run "$base/api/v1/openapi.json" \
  --checks all --max-examples "$examples" --seed 2026 -H "Accept-Language: fr-CA" \
  || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
