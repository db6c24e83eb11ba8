import Foundation

/// An iCalendar feed (RFC 5545) of meetings: times in Québec's zone, which the feed defines.
public struct ICalendar: Sendable {
    public struct Event: Sendable, Equatable {
        public let uid: String
        public let start: Date
        public let end: Date
        public let summary: String
        public let location: String?
        public let description: String?
        public let stamp: Date

        public init(uid: String, start: Date, end: Date, summary: String, location: String?, description: String?, stamp: Date) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.location = location
            self.description = description
            self.stamp = stamp
        }
    }

    public let name: String
    public let events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    static let zone = "America/Toronto"

    public var text: String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Passerelle//Reseau de liaison//FR", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + ContentLines.escape(name), "X-WR-TIMEZONE:" + Self.zone]
        lines += Self.timeZoneDefinition
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + Self.utc(event.stamp),
                      "DTSTART;TZID=\(Self.zone):" + Self.local(event.start), "DTEND;TZID=\(Self.zone):" + Self.local(event.end),
                      "SUMMARY:" + ContentLines.escape(event.summary)]
            if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + ContentLines.escape(location)) }
            if let description = event.description, !description.isEmpty {
                lines.append("DESCRIPTION:" + ContentLines.escape(description))
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(ContentLines.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Eastern time since 2007: daylight time from the second Sunday of March to the first Sunday of November.
    static let timeZoneDefinition = [
        "BEGIN:VTIMEZONE", "TZID:\(zone)",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:HAE", "DTSTART:20070311T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:HNE", "DTSTART:20071104T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]

    static let québec = TimeZone(identifier: zone)!

    static func utc(_ date: Date) -> String { stamp(date, in: TimeZone(identifier: "UTC")!) + "Z" }

    static func local(_ date: Date) -> String { stamp(date, in: québec) }

    private static func stamp(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }
}
