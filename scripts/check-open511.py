"""Validates an Open511 v1 document (XML or JSON on stdin) with the reference validator of the
PyPI package open511 0.5 (RELAX NG and Schematron; JSON is converted to XML first, as its
open511-validate does). The arguments are texts the document must hold."""
import sys

from open511.converter import json_doc_to_xml
from open511.utils.serialization import deserialize
from open511.validator import Open511ValidationError, validate

text = sys.stdin.read()
document, kind = deserialize(text.encode("utf-8"))
if kind == "json":
    document = json_doc_to_xml(document, custom_namespace="http://validator.open511.org/custom-field")
try:
    validate(document)
except Open511ValidationError as error:
    sys.exit(f"invalid: {error}")
for expected in sys.argv[1:]:
    if expected not in text:
        sys.exit(f"missing: {expected}")
print("valid:", len(document.xpath("//event")), "events")
