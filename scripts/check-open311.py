"""Validates an Open311 GeoReport v2 response (JSON on stdin) against the schema named in argv[1]
(services, service-definition, requests, ...) from Tests/Fixtures/open311-georeport-v2, with
jsonschema; with argv[2], an XML file of the same response, checks that the XML is well formed and
says the same thing as the JSON."""
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import jsonschema
from referencing import Registry, Resource

folder = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "open311-georeport-v2"
schemas = {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
registry = Registry().with_resources([(name, Resource.opaque(schema)) for name, schema in schemas.items()])

document = json.loads(sys.stdin.read())
# "none": a document the schemas do not cover (discovery, errors, tokens, updates): XML only.
if sys.argv[1] != "none":
    schema = schemas[sys.argv[1] + ".json"]
    validator = jsonschema.Draft7Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=str)
    if errors:
        sys.exit("invalid: " + "; ".join(e.message for e in errors[:5]))


def plain(element):
    """The XML as the JSON would say it: lists for repeated children, text for leaves."""
    children = list(element)
    if not children:
        return [] if element.tag in LISTS else element.text
    names = [c.tag for c in children]
    if len(set(names)) == 1 and len(names) > 0 and element.tag in LISTS:
        return [plain(c) for c in children]
    return {c.tag: plain(c) for c in children}


LISTS = {"services", "service_requests", "attributes", "values", "errors", "endpoints", "formats", "service_request_updates"}


def same(j, x):
    if isinstance(j, list):
        return isinstance(x, list) and len(j) == len(x) and all(same(a, b) for a, b in zip(j, x))
    if isinstance(j, dict):
        return isinstance(x, dict) and all(same(v, x.get(k)) for k, v in j.items())
    if j is None:
        return x is None
    if isinstance(j, bool):
        return x == ("true" if j else "false")
    if isinstance(j, (int, float)):
        return x is not None and float(x) == float(j)
    return x == j


if len(sys.argv) > 2:
    root = ET.parse(sys.argv[2]).getroot()
    if not same(document, plain(root) if root.tag in LISTS else plain(root)):
        sys.exit(f"the XML ({root.tag}) does not say what the JSON says")
print(f"{sys.argv[1]}: valid")
