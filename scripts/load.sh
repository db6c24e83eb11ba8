#!/usr/bin/env bash
# Drives a running Passerelle (release build) with wrk on loopback and, side by side in the same
# run, nginx serving the very same response bytes from files: requests/s and latency percentiles
# for each scenario, and Passerelle's share of nginx's throughput.
#   scripts/load.sh [--duration SECONDS] [--connections N] [--no-build]
# PASSERELLE_BINARY names another build to drive (an earlier commit's, for a comparison).
# Installs wrk and nginx-light from Debian's packages when missing. Loopback only; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=15
connections=64
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: $0 [--duration S] [--connections N] [--no-build]" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light

[ "$build" -eq 1 ] && swift build -c release
binary=${PASSERELLE_BINARY:-.build/release/passerelle}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d /tmp/passerelle-load.XXXXXX)
app_port=$(free_port)
nginx_port=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Passerelle on a fresh SQLite database; the time to ready is the first start.
t0=$(date +%s.%N)
SQLITE_PATH="$work/passerelle.sqlite" PORT=$app_port LOG_LEVEL=warning "$binary" serve --env production > "$work/app.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$app_port/readyz" >/dev/null 2>&1; do sleep 0.05; done
t1=$(date +%s.%N)
echo "first start (process start to ready, empty database): $(python3 -c "print(round($t1 - $t0, 2))") s"

# The same bytes for nginx.
declare -A paths=(
  [municipality_search_api]="/api/v1/municipalites?q=riviere%20du%20loup"
  [municipality_page]="/municipalites/12072"
  [region_page]="/regions/01"
)
declare -A files=(
  [municipality_search_api]="search.json"
  [municipality_page]="municipality.html"
  [region_page]="region.html"
)
mkdir -p "$work/www"
for s in "${!paths[@]}"; do curl -sf "http://127.0.0.1:$app_port${paths[$s]}" -o "$work/www/${files[$s]}"; done
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
user root;
events { worker_connections 1024; }
http {
  types { application/json json; text/html html; }
  access_log off;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf" &
pids+=($!)
until curl -sf "http://127.0.0.1:$nginx_port/search.json" >/dev/null 2>&1; do sleep 0.05; done

run() { # url -> "rps p50 p99"
  wrk -t2 -c"$connections" -d"${duration}s" --latency ${wrk_headers:+-H "$wrk_headers"} "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rps, ms(p["50"]), ms(p["99"]), errors.group(1) if errors else 0)'
}

printf "\n%-26s %12s %9s %9s %12s %9s %9s %8s\n" scenario passerelle p50_ms p99_ms nginx p50_ms p99_ms share
for s in municipality_search_api municipality_page region_page; do
  read -r a_rps a_p50 a_p99 a_err < <(run "http://127.0.0.1:$app_port${paths[$s]}")
  read -r n_rps n_p50 n_p99 n_err < <(run "http://127.0.0.1:$nginx_port/${files[$s]}")
  share=$(python3 -c "print(f'{100 * $a_rps / $n_rps:.1f} %')")
  printf "%-26s %12.0f %9.2f %9.2f %12.0f %9.2f %9.2f %8s\n" "$s" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" "$share"
  [ "$a_err" = "0" ] || echo "  warning: $a_err non-2xx answers from Passerelle"
done

# Authenticated against anonymous: the same read, with an API token made through the pages by a
# demo account (seed-demo writes the demo people into the same database).
SQLITE_PATH="$work/passerelle.sqlite" LOG_LEVEL=warning "$binary" seed-demo --scale 1 --env production > "$work/seed.log" 2>&1
secret=$(python3 - "http://127.0.0.1:$app_port" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
base = sys.argv[1]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
def call(path, form=None):
    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
    try:
        with opener.open(urllib.request.Request(base + path, data=data)) as r: return r.read().decode()
    except urllib.error.HTTPError as e: return e.read().decode()
csrf = lambda html: re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
call("/connexion", {"email": "rse@riviere-du-loup.demo", "password": "Passerelle-demo-2026", "_csrf": csrf(call("/connexion"))})
page = call("/mon-compte/jetons", {"name": "charge", "organisation": "mun-12072", "scopes[]": ["requests:read"], "days": "1",
                                   "_csrf": csrf(call("/mon-compte/jetons"))})
print(re.search(r"(psr_[A-Za-z0-9_-]+)", page).group(1))
PY
)
url="http://127.0.0.1:$app_port${paths[municipality_search_api]}"
read -r anon_rps anon_p50 anon_p99 _ < <(run "$url")
read -r auth_rps auth_p50 auth_p99 auth_err < <(wrk_headers="Authorization: Bearer $secret" run "$url")
read -r me_rps me_p50 me_p99 me_err < <(wrk_headers="Authorization: Bearer $secret" run "http://127.0.0.1:$app_port/api/v1/moi")
printf "\n%-34s %12s %9s %9s\n" "same read" "requests/s" p50_ms p99_ms
printf "%-34s %12.0f %9.2f %9.2f\n" "anonymous" "$anon_rps" "$anon_p50" "$anon_p99"
printf "%-34s %12.0f %9.2f %9.2f\n" "with an API token" "$auth_rps" "$auth_p50" "$auth_p99"
printf "%-34s %12.0f %9.2f %9.2f\n" "/api/v1/moi with the token" "$me_rps" "$me_p50" "$me_p99"
echo "authenticated read costs $(python3 -c "print(f'{100 * ($anon_rps / $auth_rps - 1):.1f} %')") more per request than anonymous"
[ "$auth_err" = "0" ] && [ "$me_err" = "0" ] || echo "  warning: non-2xx answers with the token ($auth_err, $me_err)"
echo "($connections connections, ${duration} s each, wrk -t2, $(nproc) cores, $(date -u +%Y-%m-%d))"
