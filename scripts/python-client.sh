#!/usr/bin/env bash
# A client generated from the OpenAPI document works: openapi-python-client (PyPI) generates a
# Python client from /api/v1/openapi.json, and the client files a request with an API token of the
# RSÉ of Rivière-du-Loup and reads it back.
#   scripts/python-client.sh .build/debug/passerelle
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/passerelle}
. scripts/python-venv.sh
python_venv .build/python-client "import openapi_python_client, httpx" "openapi-python-client>=0.20"
. scripts/demo-server.sh
demo_server "$binary" client
curl -sf "$base/api/v1/openapi.json" > "$work/openapi.json"
.build/python-client/bin/openapi-python-client generate --path "$work/openapi.json" --output-path "$work/passerelle_client" \
  --meta none > "$work/generate.log" 2>&1 || { cat "$work/generate.log"; exit 1; }
if grep -q "Unable to process" "$work/generate.log"; then cat "$work/generate.log"; echo "FAIL the document has schemas the generator cannot read"; exit 1; fi

.build/python-client/bin/python - "$base" "$work" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
base, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, work)
# An API token of the RSÉ, made on the account page as a person would.
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
def csrf(path): return re.search(r'name="_csrf" value="([^"]+)"', opener.open(base + path).read().decode()).group(1)
def post(path, form):
    try: return opener.open(urllib.request.Request(base + path, data=urllib.parse.urlencode(form, doseq=True).encode())).read().decode()
    except urllib.error.HTTPError as e: return e.read().decode()
post("/connexion", {"email": "rse@riviere-du-loup.demo", "password": "Passerelle-demo-2026", "_csrf": csrf("/connexion")})
page = post("/mon-compte/jetons", {"name": "client généré", "organisation": "mun-12072", "scopes": ["requests:write"], "days": "7",
                                   "_csrf": csrf("/mon-compte/jetons")})
token = re.search(r"psr_[A-Za-z0-9_-]+", page).group(0)

from passerelle_client import AuthenticatedClient
from passerelle_client.api.demandes import file_request, get_request
from passerelle_client.models import FileRequestBody
client = AuthenticatedClient(base_url=base, token=token)
title = "Feu piéton trop court devant l'école"
body = FileRequestBody(type_="autre", titre=title, description="Les enfants n'ont pas le temps de traverser.")
filed = file_request.sync_detailed(code="mun-12072", client=client, body=body)
assert filed.status_code == 201, (filed.status_code, filed.content)
number = filed.parsed.numero
read = get_request.sync(numero=number, client=client)
assert read.numero == number and read.titre == title, read
print(f"ok   a generated Python client filed {number} and read it back")
PY
