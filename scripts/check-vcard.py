"""Reads vCards from stdin with vobject (a standard contact parser) and checks that each expected
name is the formatted name of one of them. Used by the Swift tests under scripts/with-python-checks.sh."""
import sys
import vobject

text = sys.stdin.read()
cards = list(vobject.readComponents(text, validate=True))
names = [card.fn.value for card in cards]
for card in cards:
    assert card.version.value == "3.0", card.version.value
    assert hasattr(card, "n"), "N is required in vCard 3.0"
missing = [name for name in sys.argv[1:] if name not in names]
if missing:
    sys.exit(f"not found: {missing}; cards: {names}")
print(f"{len(cards)} vCards parsed: {names}")
