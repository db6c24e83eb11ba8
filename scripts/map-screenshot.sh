#!/usr/bin/env bash
# The shared map in headless Chromium, as a test artefact: a demo year served by the real binary,
# /interventions screenshot without Leaflet (the server's SVG) into artefacts/works-map-svg.png, then
# with Leaflet fetched from PyPI into artefacts/works-map.png; then axe-core 4.12 (from PyPI's
# axe-playwright-python wheel, through Selenium and Debian's chromedriver) over the module's pages,
# public and signed in, failing on any violation. Installs Chromium from Debian when it is missing;
# says so and stops without failing when it cannot (the pages are also checked by the tests).
#   scripts/map-screenshot.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:?usage: $0 BINARY}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true
  browser=$(command -v chromium || true)
fi
if [ -z "$browser" ]; then echo "map screenshot: no Chromium here, skipped"; exit 0; fi
# The server looks for Leaflet at each page: first without it (the SVG), then with it.
leaflet_home=$(mktemp -d /tmp/passerelle-leaflet-home.XXXXXX)
export LEAFLET_PATH="$leaflet_home/leaflet"
source scripts/demo-server.sh
demo_server "$binary" screenshot
mkdir -p artefacts
shot() {
  profile=$(mktemp -d "$work/chromium.XXXXXX")
  "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1400 --user-data-dir="$profile" \
    --virtual-time-budget=5000 "$@" > /dev/null 2>&1
}
shot --screenshot="$PWD/artefacts/works-map-svg.png" "$base/interventions"
scripts/fetch-leaflet.sh > /dev/null
shot --screenshot="$PWD/artefacts/works-map.png" "$base/interventions"
rm -rf "$leaflet_home"
for f in artefacts/works-map.png artefacts/works-map-svg.png; do
  [ -s "$f" ] || { echo "map screenshot: $f was not written"; exit 1; }
done
echo "map screenshots: artefacts/works-map.png, artefacts/works-map-svg.png"

# axe over the module's pages, with Leaflet's map drawn.
if ! command -v chromedriver >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null 2>&1 || true
fi
if ! command -v chromedriver >/dev/null; then echo "axe: no chromedriver here, skipped"; exit 0; fi
source scripts/python-venv.sh
python_venv .build/python-axe "import selenium" "selenium>=4.20,<5"
.build/python-axe/bin/pip download --quiet --no-deps --dest "$work/axe" "axe-playwright-python==0.1.8"
.build/python-axe/bin/python -c "import glob, sys, zipfile; z = zipfile.ZipFile(glob.glob(sys.argv[1] + '/*.whl')[0]); open(sys.argv[1] + '/axe.min.js', 'wb').write(z.read('axe_playwright_python/axe.min.js'))" "$work/axe"
work_number=$(curl -sf "$base/api/v1/interventions?per_page=1" | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['numero'])")
.build/python-axe/bin/python scripts/check-axe.py "$work/axe/axe.min.js" "$base" /interventions "/interventions?genre=paving" \
  "/interventions/$work_number"
AXE_EMAIL=rse@riviere-du-loup.demo AXE_PASSWORD=Passerelle-demo-2026 .build/python-axe/bin/python scripts/check-axe.py \
  "$work/axe/axe.min.js" "$base" /interventions /interventions/paires /organisations/mun-12072/interventions/nouvelle /accueil
