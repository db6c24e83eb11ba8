import Foundation

/// A calendar date with no time zone (deadlines, fiscal dates, dates of constitution).
/// Stored and exchanged as `YYYY-MM-DD`.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; anything else (including impossible dates) is nil.
    public init?(iso: some StringProtocol) {
        // Read over the ten bytes (thousands of dates a page: no splitting into substrings).
        var digits: [Int] = []
        digits.reserveCapacity(8)
        var count = 0
        for byte in iso.utf8 {
            defer { count += 1 }
            if count == 4 || count == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard count < 10, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digits.append(Int(byte - UInt8(ascii: "0")))
            }
        }
        guard count == 10 else { return nil }
        let y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        self.init(year: y, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }

    /// The date of an instant in the given time zone (Québec is `America/Toronto`).
    public init(_ instant: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }

    public var iso: String {
        // Ten ASCII bytes written in place: `String(format:)` goes through `vfprintf`, a microsecond
        // a date, and a schedule of 50,000 agreements writes a million of them.
        String(unsafeUninitializedCapacity: 10) { out in
            var y = year
            for i in stride(from: 3, through: 0, by: -1) { out[i] = UInt8(48 + y % 10); y /= 10 }
            out[4] = UInt8(ascii: "-")
            out[5] = UInt8(48 + month / 10); out[6] = UInt8(48 + month % 10)
            out[7] = UInt8(ascii: "-")
            out[8] = UInt8(48 + day / 10); out[9] = UInt8(48 + day % 10)
            return 10
        }
    }

    public var description: String { iso }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected YYYY-MM-DD, got \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

extension CalendarDate {
    /// Québec's time zone: deadlines and "today" are Québec's.
    public static let quebecTimeZone = TimeZone(identifier: "America/Toronto")!

    public static var today: CalendarDate { CalendarDate(Date(), timeZone: quebecTimeZone) }
}

extension CalendarDate {
    /// The Gregorian calendar in Québec's time zone.
    public static let quebecCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = quebecTimeZone
        return calendar
    }()

    /// This day at this time of day in Québec.
    public func instant(hour: Int, minute: Int) -> Date {
        Self.quebecCalendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }
}
