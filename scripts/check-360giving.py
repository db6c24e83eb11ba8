"""Validates a 360Giving data package (JSON on stdin) against the official schemas copied in
Tests/Fixtures/360giving (the package schema, which refers to the grant schema by its address),
with jsonschema and its format checker."""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

folder = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "360giving"
package = json.loads((folder / "360-giving-package-schema.json").read_text())
grant = json.loads((folder / "360-giving-schema.json").read_text())
grant_resource = Resource.from_contents(grant, default_specification=DRAFT202012)
# The package names the grant schema of 1.4.2; the copy is 1.4.3, the same structure.
registry = Registry().with_resources([
    (grant["$id"], grant_resource),
    (package["properties"]["grants"]["items"]["$ref"], grant_resource),
])
document = json.loads(sys.stdin.read())
validator = jsonschema.Draft202012Validator(package, registry=registry, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(document), key=str)
if errors:
    sys.exit("invalid: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:8]))
for expected in sys.argv[1:]:
    if expected not in json.dumps(document, ensure_ascii=False):
        sys.exit(f"missing: {expected}")
print("valid:", len(document["grants"]), "grants")
