import Foundation

/// The government of Québec's fiscal year: April 1 to March 31, named by its two calendar years
/// (`2026-2027`). A municipality's fiscal year is the calendar year (`CalendarDate.year`).
public struct GovernmentFiscalYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The calendar year of its April 1.
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// The fiscal year a day falls in.
    public init(containing day: CalendarDate) { startYear = day.month >= 4 ? day.year : day.year - 1 }

    /// `2026-2027` (also accepted: `2026-27`).
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let first = Int(parts[0]), let second = Int(parts[1]),
              (1900...2200).contains(first) else { return nil }
        let expected = parts[1].count == 2 ? (first + 1) % 100 : first + 1
        guard second == expected else { return nil }
        startYear = first
    }

    public var start: CalendarDate { CalendarDate(year: startYear, month: 4, day: 1)! }
    public var end: CalendarDate { CalendarDate(year: startYear + 1, month: 3, day: 31)! }
    public var next: GovernmentFiscalYear { GovernmentFiscalYear(startYear: startYear + 1) }
    public var previous: GovernmentFiscalYear { GovernmentFiscalYear(startYear: startYear - 1) }
    public func contains(_ day: CalendarDate) -> Bool { start <= day && day <= end }
    public var description: String { "\(startYear)-\(startYear + 1)" }

    public static func < (a: GovernmentFiscalYear, b: GovernmentFiscalYear) -> Bool { a.startYear < b.startYear }
}
