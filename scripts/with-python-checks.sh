#!/usr/bin/env bash
# Runs the given command with TEST_PYTHON set to a Python that has the standard parsers the tests
# check Passerelle's files with (vobject for vCards, icalendar for calendar feeds, open511 for Open511, jsonschema for
# the open standards' schemas), in a virtual environment under .build/.
#   scripts/with-python-checks.sh swift test --skip-build --filter LiaisonTests
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/checks-venv
source scripts/python-venv.sh
python_venv "$venv" "import vobject, icalendar, jsonschema, rfc3339_validator, rfc3987, open511, lxml" "vobject>=0.9.6,<1" "icalendar>=5,<7" "jsonschema>=4.18,<5" "rfc3339-validator" "rfc3987" "open511==0.5" "lxml"
TEST_PYTHON="$PWD/$venv/bin/python" "$@"
