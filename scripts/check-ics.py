"""Reads an iCalendar feed from stdin with the icalendar package and checks that each expected text
is the summary (or part of it) of one of its events, and that every event has a zoned start."""
import sys
import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.read())
events = list(calendar.walk("VEVENT"))
summaries = [str(event.get("summary")) for event in events]
for event in events:
    start = event.decoded("dtstart")
    assert start.tzinfo is not None, "start without a time zone"
    assert event.decoded("dtend") > start
missing = [text for text in sys.argv[1:] if not any(text in s for s in summaries)]
if missing:
    sys.exit(f"not found: {missing}; events: {summaries}")
print(f"{len(events)} events parsed: {summaries}")
