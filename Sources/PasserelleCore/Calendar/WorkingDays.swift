import Foundation

extension CalendarDate {
    /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil calendar algorithm.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int {
        let w = (dayNumber + 3) % 7 // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    /// Easter Sunday of a year (anonymous Gregorian computus, Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> CalendarDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year: year, month: month, day: day)!
    }
}

/// A holiday of the calendar, as a rule that gives its date in any year.
public struct HolidayRule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The same day every year (`month`, `day`).
        case fixed
        /// Days from Easter Sunday (`offset`: −2 Good Friday, +1 Easter Monday).
        case easter
        /// The `nth` given `weekday` (1 Monday … 7 Sunday) of `month`.
        case nthWeekday
        /// The last given `weekday` strictly before `month`/`day` (the Monday preceding May 25).
        case weekdayBefore
    }

    public var key: String
    public var kind: Kind
    public var month: Int?
    public var day: Int?
    public var offset: Int?
    public var weekday: Int?
    public var nth: Int?

    public init(key: String, kind: Kind, month: Int? = nil, day: Int? = nil, offset: Int? = nil, weekday: Int? = nil,
                nth: Int? = nil) {
        self.key = key
        self.kind = kind
        self.month = month
        self.day = day
        self.offset = offset
        self.weekday = weekday
        self.nth = nth
    }

    /// The date in this year, or nil when the rule is incomplete.
    public func date(in year: Int) -> CalendarDate? {
        switch kind {
        case .fixed:
            guard let month, let day else { return nil }
            return CalendarDate(year: year, month: month, day: day)
        case .easter:
            return CalendarDate.easter(year).adding(days: offset ?? 0)
        case .nthWeekday:
            guard let month, let weekday, let nth, (1...5).contains(nth), let first = CalendarDate(year: year, month: month, day: 1)
            else { return nil }
            let date = first.adding(days: (weekday - first.weekday + 7) % 7 + 7 * (nth - 1))
            return date.month == month ? date : nil
        case .weekdayBefore:
            guard let month, let day, let weekday, let limit = CalendarDate(year: year, month: month, day: day) else { return nil }
            let back = (limit.weekday - weekday + 7) % 7
            return limit.adding(days: -(back == 0 ? 7 : back))
        }
    }
}

/// Working days of the Québec public service: Monday to Friday, less the statutory holidays.
///
/// The holidays are those of the Règles de procédure du Tribunal administratif du Québec
/// (RLRQ c. J-3, r. 3, art. 3), the same thirteen days as the public service's collective
/// agreements: January 1 and 2, Good Friday, Easter Monday, the Monday preceding May 25, June 24,
/// July 1, the first Monday of September, the second Monday of October, December 24, 25, 26 and
/// 31, and any other day the government fixes (`extraDays`). A holiday that falls on a Saturday is
/// observed on the Friday before when that day is free, otherwise on the first free working day
/// after; one that falls on a Sunday on the first free working day after (the Loi sur la fête
/// nationale, art. 2, moves a Sunday June 24 to June 25; the agreements do the same for the holidays
/// season, e.g. 2011: December 23, 26, 27 and 30, January 2 and 3). Configurable: see
/// `Resources/Calendar/holidays.json` and the `HOLIDAYS_PATH` setting.
public struct HolidayCalendar: Codable, Sendable, Equatable {
    public var rules: [HolidayRule]
    /// Observe a weekend holiday on a working day (before for Saturday, after for Sunday).
    public var observeOnWorkingDay: Bool
    /// Days the government fixes, one by one (ISO dates).
    public var extraDays: [CalendarDate]

    public init(rules: [HolidayRule], observeOnWorkingDay: Bool = true, extraDays: [CalendarDate] = []) {
        self.rules = rules
        self.observeOnWorkingDay = observeOnWorkingDay
        self.extraDays = extraDays
    }

    public static let quebecPublicService = HolidayCalendar(rules: [
        HolidayRule(key: "new_year", kind: .fixed, month: 1, day: 1),
        HolidayRule(key: "day_after_new_year", kind: .fixed, month: 1, day: 2),
        HolidayRule(key: "good_friday", kind: .easter, offset: -2),
        HolidayRule(key: "easter_monday", kind: .easter, offset: 1),
        HolidayRule(key: "patriots_day", kind: .weekdayBefore, month: 5, day: 25, weekday: 1),
        HolidayRule(key: "fete_nationale", kind: .fixed, month: 6, day: 24),
        HolidayRule(key: "canada_day", kind: .fixed, month: 7, day: 1),
        HolidayRule(key: "labour_day", kind: .nthWeekday, month: 9, weekday: 1, nth: 1),
        HolidayRule(key: "thanksgiving", kind: .nthWeekday, month: 10, weekday: 1, nth: 2),
        HolidayRule(key: "christmas_eve", kind: .fixed, month: 12, day: 24),
        HolidayRule(key: "christmas", kind: .fixed, month: 12, day: 25),
        HolidayRule(key: "boxing_day", kind: .fixed, month: 12, day: 26),
        HolidayRule(key: "new_years_eve", kind: .fixed, month: 12, day: 31),
    ])

    /// The holidays as the rules give them (before any is moved off a weekend).
    public func actual(in year: Int) -> [(date: CalendarDate, key: String)] {
        rules.compactMap { rule in rule.date(in: year).map { ($0, rule.key) } }
            + extraDays.filter { $0.year == year }.map { ($0, "government") }
    }

    /// The days off of a year as observed, with the rule's key. Neighbouring years are taken into
    /// account: January 1 on a Saturday is observed on Friday, December 31 of the year before, when
    /// that day is free.
    public func holidays(in year: Int) -> [CalendarDate: String] {
        observe((year - 1)...(year + 1)).filter { $0.key.year == year }
    }

    func observe(_ years: ClosedRange<Int>) -> [CalendarDate: String] {
        let actual = years.flatMap { self.actual(in: $0) }
        var observed: [CalendarDate: String] = [:]
        // Weekday holidays first: a moved one never lands on another.
        for (date, key) in actual where !date.isWeekend || !observeOnWorkingDay { observed[date] = key }
        guard observeOnWorkingDay else { return observed }
        // A Saturday moves to the Friday before when it is free, else forward like a Sunday: to the
        // first free working day after.
        for (date, key) in actual.filter({ $0.date.weekday == 6 }).sorted(by: { $0.date > $1.date }) {
            let friday = date.adding(days: -1)
            if observed[friday] == nil {
                observed[friday] = key
                continue
            }
            var day = date.adding(days: 2)
            while day.isWeekend || observed[day] != nil { day = day.adding(days: 1) }
            observed[day] = key
        }
        for (date, key) in actual.filter({ $0.date.weekday == 7 }).sorted(by: { $0.date < $1.date }) {
            var day = date.adding(days: 1)
            while day.isWeekend || observed[day] != nil { day = day.adding(days: 1) }
            observed[day] = key
        }
        return observed
    }

    /// A reusable view over a range of years (holidays computed once).
    public func days(from firstYear: Int, through lastYear: Int) -> WorkingDays {
        WorkingDays(holidays: observe((firstYear - 1)...(lastYear + 1)), firstYear: firstYear, lastYear: lastYear)
    }
}

/// Answers about working days with the holidays of a few years at hand.
public struct WorkingDays: Sendable {
    public let holidays: [CalendarDate: String]
    /// The years the holidays were computed for; dates far outside have no holidays known.
    public let firstYear: Int
    public let lastYear: Int

    public func isWorkingDay(_ date: CalendarDate) -> Bool { !date.isWeekend && holidays[date] == nil }

    /// The date `count` working days after `date` (`count` ≥ 0; 0 gives the first working day on or
    /// after `date`).
    public func adding(_ count: Int, to date: CalendarDate) -> CalendarDate {
        var day = date
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        var left = count
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days after `start` up to and including `end` (0 when `end` ≤ `start`).
    public func count(from start: CalendarDate, to end: CalendarDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}
