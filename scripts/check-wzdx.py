"""Validates a WZDx 4.2 WorkZoneFeed (GeoJSON on stdin) against the official schemas copied in
Tests/Fixtures/wzdx-4.2, offline: their raw-GitHub addresses map to the local copies, and
geojson.org's LineString and MultiPoint to small local stand-ins (RFC 7946's shapes)."""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

folder = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "wzdx-4.2"
position = {"type": "array", "minItems": 2, "items": {"type": "number"}}
stand_ins = {
    "https://geojson.org/schema/LineString.json": {
        "type": "object", "required": ["type", "coordinates"],
        "properties": {"type": {"enum": ["LineString"]}, "coordinates": {"type": "array", "minItems": 2, "items": position}}},
    "https://geojson.org/schema/MultiPoint.json": {
        "type": "object", "required": ["type", "coordinates"],
        "properties": {"type": {"enum": ["MultiPoint"]}, "coordinates": {"type": "array", "items": position}}},
}
resources = []
for path in folder.glob("*.json"):
    schema = json.loads(path.read_text())
    resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7)))
for address, schema in stand_ins.items():
    resources.append((address, Resource.from_contents(schema, default_specification=DRAFT7)))
registry = Registry().with_resources(resources)
feed_schema = json.loads((folder / "WorkZoneFeed.json").read_text())
document = json.loads(sys.stdin.read())
validator = jsonschema.Draft7Validator(feed_schema, registry=registry, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(document), key=str)
if errors:
    sys.exit("invalid: " + "; ".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:8]))
for expected in sys.argv[1:]:
    if expected not in json.dumps(document, ensure_ascii=False):
        sys.exit(f"missing: {expected}")
print("valid:", len(document["features"]), "road events")
