import Foundation

/// Formats dates, times, numbers and money the way each language writes them.
/// fr-CA: « le 21 novembre 2026 », « 14 h 30 », « 1 234,56 $ » (no-break spaces).
/// en-CA: "November 21, 2026", "2:30 p.m.", "$1,234.56".
public struct Formatter: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    static let nbsp = "\u{00A0}"

    private static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                       "août", "septembre", "octobre", "novembre", "décembre"]
    private static let englishMonths = ["January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December"]

    /// « 21 novembre 2026 à 14 h 30 »; "November 21, 2026 at 2:30 p.m.": an instant, in Québec time.
    public func dateTime(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.quebecTimeZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        let day = CalendarDate(instant, timeZone: CalendarDate.quebecTimeZone)
        return date(day) + (language == .frCA ? " à " : " at ") + time(hour: parts.hour ?? 0, minute: parts.minute ?? 0)
    }

    /// « 21 novembre 2026 », « 1er décembre 2026 »; "November 21, 2026".
    public func date(_ date: CalendarDate) -> String {
        switch language {
        case .frCA:
            let day = date.day == 1 ? "1er" : String(date.day)
            return "\(day)\(Self.nbsp)\(Self.frenchMonths[date.month - 1]) \(date.year)"
        case .enCA:
            return "\(Self.englishMonths[date.month - 1])\(Self.nbsp)\(date.day), \(date.year)"
        }
    }

    /// « le 21 novembre 2026 »; "on November 21, 2026": a date inside a sentence.
    public func dateInSentence(_ date: CalendarDate) -> String {
        (language == .frCA ? "le " : "on ") + self.date(date)
    }

    /// « 14 h 30 », « 9 h »; "2:30 p.m.", "9 a.m.".
    public func time(hour: Int, minute: Int) -> String {
        switch language {
        case .frCA:
            return minute == 0 ? "\(hour)\(Self.nbsp)h" : "\(hour)\(Self.nbsp)h\(Self.nbsp)" + String(format: "%02d", minute)
        case .enCA:
            let suffix = hour < 12 ? "a.m." : "p.m."
            let h12 = hour % 12 == 0 ? 12 : hour % 12
            return minute == 0 ? "\(h12)\(Self.nbsp)\(suffix)" : "\(h12):" + String(format: "%02d", minute) + "\(Self.nbsp)\(suffix)"
        }
    }

    /// « 1 234 567 »; "1,234,567".
    public func integer(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        let separator = language == .frCA ? Self.nbsp : ","
        return (value < 0 ? "-" : "") + groups.joined(separator: separator)
    }

    public func integer(_ value: Int) -> String { integer(Int64(value)) }

    /// A decimal with a fixed number of places: « 1 234,57 »; "1,234.57".
    public func decimal(_ value: Double, places: Int) -> String {
        let scale = pow(10, Double(places))
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = integer(scaled / Int64(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + whole }
        let fraction = String(format: "%0\(places)lld", scaled % Int64(scale))
        return sign + whole + (language == .frCA ? "," : ".") + fraction
    }

    /// « 1 234,56 $ »; "$1,234.56".
    public func money(_ money: Money) -> String {
        let whole = integer(Int64(money.cents.magnitude / 100))
        let cents = String(format: "%02d", Int(money.cents.magnitude % 100))
        let sign = money.cents < 0 ? "-" : ""
        switch language {
        case .frCA: return "\(sign)\(whole),\(cents)\(Self.nbsp)$"
        case .enCA: return "\(sign)$\(whole).\(cents)"
        }
    }
}
