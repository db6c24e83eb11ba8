#!/usr/bin/env bash
# Fetches Leaflet 1.9.4 from PyPI (the django-js-lib-leaflet wheel carries its files) into
# Public/vendor/leaflet/, where the map page finds it (LEAFLET_PATH to put it elsewhere). Never
# committed; the map works without it, drawn by the server as SVG.
#   scripts/fetch-leaflet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
target=${LEAFLET_PATH:-Public/vendor/leaflet}
work=$(mktemp -d /tmp/passerelle-leaflet.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "django-js-lib-leaflet==1.9.4.1"
mkdir -p "$target/images"
python3 - "$work" "$target" <<'PY'
import glob, pathlib, sys, zipfile
work, target = sys.argv[1], pathlib.Path(sys.argv[2])
wheel = zipfile.ZipFile(glob.glob(f"{work}/*.whl")[0])
prefix = "js_lib_leaflet/static/js_lib_leaflet/"
for name in wheel.namelist():
    if name.startswith(prefix) and (name.endswith((".js", ".css", ".png"))) and "esm" not in name:
        out = target / name[len(prefix):]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(wheel.read(name))
print("Leaflet in", target)
PY
