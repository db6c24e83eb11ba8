import Foundation

extension CalendarDate {
    /// The same day `months` later, or the month's last day when it has fewer (January 31 + 1 → February 28).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))!
    }
}

/// How an agreement's money is paid (PAMAM 5.2 and 5.3): the amount in instalments over the term,
/// a holdback kept until the final report, and instalments either on fixed dates or each released
/// by the acceptance of a report (milestones). Instalments may be aligned with the municipalities'
/// fiscal year (the calendar year): each one after the first then falls on a fixed day early in
/// the municipal year, inside the government's fiscal year that ends on March 31.
public struct ScheduleTerms: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Each instalment on its date.
        case fixedDates = "fixed_dates"
        /// The first instalment at signature; each later one released by the acceptance of a report.
        case milestones
    }

    public var totalCents: Int64
    /// The day the agreement takes effect (its last signature).
    public var start: CalendarDate
    /// The term in months (36 for three years).
    public var months: Int
    /// Instalments before the holdback (at least 1).
    public var instalments: Int
    /// The part kept until the final report is accepted, in basis points (1000 = 10 %).
    public var holdbackBasisPoints: Int
    public var mode: Mode
    /// Instalments after the first fall on `alignedMonth`/`alignedDay` of the following calendar years.
    public var alignWithMunicipalYear: Bool
    public var alignedMonth: Int
    public var alignedDay: Int

    public init(totalCents: Int64, start: CalendarDate, months: Int, instalments: Int, holdbackBasisPoints: Int = 0,
                mode: Mode = .fixedDates, alignWithMunicipalYear: Bool = false, alignedMonth: Int = 2, alignedDay: Int = 15) {
        self.totalCents = totalCents
        self.start = start
        self.months = months
        self.instalments = instalments
        self.holdbackBasisPoints = holdbackBasisPoints
        self.mode = mode
        self.alignWithMunicipalYear = alignWithMunicipalYear
        self.alignedMonth = alignedMonth
        self.alignedDay = alignedDay
    }

    /// The day the term ends.
    public var end: CalendarDate { start.adding(months: months) }

    /// What is wrong with the terms, as catalog keys.
    public var problems: [String] {
        var found: [String] = []
        if totalCents <= 0 { found.append("agreements.error.amount") }
        if !(1...120).contains(months) { found.append("agreements.error.months") }
        if !(1...40).contains(instalments) { found.append("agreements.error.instalments") }
        if !(0...5000).contains(holdbackBasisPoints) { found.append("agreements.error.holdback") }
        if alignWithMunicipalYear && CalendarDate(year: 2027, month: alignedMonth, day: alignedDay) == nil {
            found.append("agreements.error.aligned_day")
        }
        return found
    }
}

/// One line of a payment schedule. Every line carries both fiscal years: the government's
/// (April–March) and the municipality's (the calendar year).
public struct ScheduledPayment: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case instalment, holdback }
    /// What releases it: its date, the acceptance of report `n`, or of the final report.
    public enum Release: Codable, Sendable, Equatable {
        case date
        case report(Int)
        case finalReport
    }

    /// From 1, in order.
    public var sequence: Int
    public var kind: Kind
    public var dueOn: CalendarDate
    public var cents: Int64
    public var release: Release

    public init(sequence: Int, kind: Kind, dueOn: CalendarDate, cents: Int64, release: Release) {
        self.sequence = sequence
        self.kind = kind
        self.dueOn = dueOn
        self.cents = cents
        self.release = release
    }

    public var governmentYear: GovernmentFiscalYear { GovernmentFiscalYear(containing: dueOn) }
    public var municipalYear: Int { dueOn.year }
}

public enum PaymentSchedule {
    /// The schedule of an agreement's terms. The amounts add up to the total to the cent: the
    /// holdback is rounded down, and the cents the instalments cannot share evenly go to the
    /// first ones.
    public static func make(_ terms: ScheduleTerms) -> [ScheduledPayment] {
        guard terms.problems.isEmpty else { return [] }
        let holdback = terms.totalCents * Int64(terms.holdbackBasisPoints) / 10_000
        let rest = terms.totalCents - holdback
        let n = Int64(terms.instalments)
        let share = rest / n, extra = rest % n
        var lines: [ScheduledPayment] = []
        let step = terms.months / terms.instalments
        for i in 0..<terms.instalments {
            var due = terms.start.adding(months: step * i)
            if terms.alignWithMunicipalYear && i > 0 {
                due = CalendarDate(year: terms.start.year + i, month: terms.alignedMonth,
                                   day: min(terms.alignedDay, CalendarDate.daysIn(month: terms.alignedMonth, year: terms.start.year + i)))!
            }
            let release: ScheduledPayment.Release = terms.mode == .milestones && i > 0 ? .report(i) : .date
            lines.append(ScheduledPayment(sequence: i + 1, kind: .instalment, dueOn: due, cents: share + (Int64(i) < extra ? 1 : 0),
                                          release: release))
        }
        if holdback > 0 {
            lines.append(ScheduledPayment(sequence: terms.instalments + 1, kind: .holdback, dueOn: terms.end, cents: holdback,
                                          release: .finalReport))
        }
        return lines
    }

    /// What an agreement commits in each government fiscal year.
    public static func commitments(_ lines: [ScheduledPayment]) -> [(year: GovernmentFiscalYear, cents: Int64)] {
        var byYear: [GovernmentFiscalYear: Int64] = [:]
        for line in lines { byYear[line.governmentYear, default: 0] += line.cents }
        return byYear.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension ScheduleTerms {
    /// The terms from their JSON. The flat object the app writes is read in one pass over its bytes
    /// (JSONDecoder takes some 15 µs an object on Linux, which 50,000 schedules feel);
    /// anything else — spaces, escapes, fractions, another key — goes to JSONDecoder.
    public init?(json: String) {
        if let scanned = Self.scan(json) {
            self = scanned
        } else if let decoded = try? JSONDecoder().decode(ScheduleTerms.self, from: Data(json.utf8)) {
            self = decoded
        } else {
            return nil
        }
    }

    static func scan(_ json: String) -> ScheduleTerms? {
        var text = json
        return text.withUTF8 { bytes -> ScheduleTerms? in
            var i = 0
            func byte(_ b: UInt8) -> Bool {
                guard i < bytes.count, bytes[i] == b else { return false }
                i += 1
                return true
            }
            func string() -> Substring? {
                guard byte(UInt8(ascii: "\"")) else { return nil }
                let from = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { return nil }
                    i += 1
                }
                guard i < bytes.count else { return nil }
                i += 1
                return Substring(decoding: UnsafeBufferPointer(rebasing: bytes[from..<(i - 1)]), as: UTF8.self)
            }
            func integer() -> Int64? {
                let negative = byte(UInt8(ascii: "-"))
                var value: Int64 = 0, digits = 0
                while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]), digits < 18 {
                    value = value * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
                    i += 1
                    digits += 1
                }
                guard digits > 0, i < bytes.count, bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "}") else { return nil }
                return negative ? -value : value
            }
            var total: Int64?, start: CalendarDate?, months: Int64?, instalments: Int64?, holdback: Int64?, mode: Mode?
            var align: Bool?, alignedMonth: Int64?, alignedDay: Int64?
            guard byte(UInt8(ascii: "{")) else { return nil }
            repeat {
                guard let key = string(), byte(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "totalCents": total = integer()
                case "months": months = integer()
                case "instalments": instalments = integer()
                case "holdbackBasisPoints": holdback = integer()
                case "alignedMonth": alignedMonth = integer()
                case "alignedDay": alignedDay = integer()
                case "start": start = string().flatMap { CalendarDate(iso: String($0)) }
                case "mode": mode = string().flatMap { Mode(rawValue: String($0)) }
                case "alignWithMunicipalYear":
                    if byte(UInt8(ascii: "t")), byte(UInt8(ascii: "r")), byte(UInt8(ascii: "u")), byte(UInt8(ascii: "e")) {
                        align = true
                    } else if byte(UInt8(ascii: "f")), byte(UInt8(ascii: "a")), byte(UInt8(ascii: "l")), byte(UInt8(ascii: "s")),
                              byte(UInt8(ascii: "e")) {
                        align = false
                    } else {
                        return nil
                    }
                default: return nil
                }
            } while byte(UInt8(ascii: ","))
            guard byte(UInt8(ascii: "}")), i == bytes.count, let total, let start, let months, let instalments, let holdback, let mode,
                  let align, let alignedMonth, let alignedDay else { return nil }
            return ScheduleTerms(totalCents: total, start: start, months: Int(months), instalments: Int(instalments),
                                 holdbackBasisPoints: Int(holdback), mode: mode, alignWithMunicipalYear: align,
                                 alignedMonth: Int(alignedMonth), alignedDay: Int(alignedDay))
        }
    }
}
