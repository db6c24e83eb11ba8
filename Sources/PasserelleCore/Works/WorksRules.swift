import Foundation

/// What kind of work an intervention is. Each kind says what the open feeds call it.
public enum WorkKind: String, CaseIterable, Codable, Sendable {
    case paving, reconstruction, waterSewer, bridgeStructure, signals, utilities, specialEvent, other

    /// Open511 `event_type` and `event_subtypes`.
    public var open511: (type: String, subtype: String?) {
        switch self {
        case .paving, .signals: ("CONSTRUCTION", "ROAD_MAINTENANCE")
        case .reconstruction, .bridgeStructure, .waterSewer, .utilities: ("CONSTRUCTION", "ROAD_CONSTRUCTION")
        case .specialEvent: ("SPECIAL_EVENT", "PLANNED_EVENT")
        case .other: ("CONSTRUCTION", nil)
        }
    }

    /// WZDx 4.2 `types_of_work[].type_name`; nil for what is not a work zone (a special event is
    /// left out of the WZDx feed).
    public var wzdxTypeOfWork: String? {
        switch self {
        case .paving: "surface-work"
        case .reconstruction: "roadway-creation"
        case .waterSewer, .utilities: "below-road-work"
        case .bridgeStructure: "overhead-work"
        case .signals: "painting"
        case .specialEvent: nil
        case .other: "maintenance"
        }
    }
}

/// Where an intervention stands in its life.
public enum WorkStatus: String, CaseIterable, Codable, Sendable {
    case idea, planned, scheduled, underWay, done, cancelled

    /// Counted by the conflict detector: everything but a cancelled work (a done one counts for a
    /// month after its end, as the detector's rule says).
    public var isDetected: Bool { self != .cancelled }

    /// Open511 `status`.
    public var open511Status: String { self == .done || self == .cancelled ? "ARCHIVED" : "ACTIVE" }
}

/// Who may see an intervention.
public enum WorkVisibility: String, CaseIterable, Codable, Sendable {
    /// Everyone, the open map and the feeds included.
    case `public`
    /// Every signed-in organisation (municipalities, MRC, partners, the ministry).
    case partners
    /// Its owner and the ministry.
    case `internal`
}

/// What the work does to traffic (Open511's road states, WZDx's vehicle impact).
public enum RoadState: String, CaseIterable, Codable, Sendable {
    case open, someLanesClosed, singleLaneAlternating, closed

    public var open511: String {
        switch self {
        case .open: "ALL_LANES_OPEN"
        case .someLanesClosed: "SOME_LANES_CLOSED"
        case .singleLaneAlternating: "SINGLE_LANE_ALTERNATING"
        case .closed: "CLOSED"
        }
    }

    public var wzdxVehicleImpact: String {
        switch self {
        case .open: "all-lanes-open"
        case .someLanesClosed: "some-lanes-closed"
        case .singleLaneAlternating: "alternating-one-way"
        case .closed: "all-lanes-closed"
        }
    }

    public var open511Severity: String {
        switch self {
        case .open: "MINOR"
        case .someLanesClosed, .singleLaneAlternating: "MODERATE"
        case .closed: "MAJOR"
        }
    }
}

/// A work's category, computed, never chosen (UK Street Manager's rule): by its length in working
/// days and by whether it closes the road or needs a detour (Street Manager's temporary traffic
/// order).
public enum WorkCategory: String, CaseIterable, Codable, Sendable {
    case minor, standard, major
}

/// The categories' thresholds and the notice each needs, as data (the defaults are Street
/// Manager's: minor under 4 working days, standard 4 to 10, major over 10 or with a closure;
/// notice of 3, 10 and 10 working days, and a major work on the shared map three months ahead).
public struct CategoryRules: Codable, Sendable, Equatable {
    /// Working days at most for a minor work.
    public var minorAtMost: Int
    /// Working days at most for a standard work (beyond: major).
    public var standardAtMost: Int
    /// Working days of notice before the start, by category.
    public var noticeWorkingDays: [WorkCategory: Int]
    /// Months on the shared map before the start for a major work (Street Manager's forward plan).
    public var majorPlanMonths: Int

    public init(minorAtMost: Int = 3, standardAtMost: Int = 10,
                noticeWorkingDays: [WorkCategory: Int] = [.minor: 3, .standard: 10, .major: 10], majorPlanMonths: Int = 3) {
        self.minorAtMost = minorAtMost
        self.standardAtMost = standardAtMost
        self.noticeWorkingDays = noticeWorkingDays
        self.majorPlanMonths = majorPlanMonths
    }

    public static let standard = CategoryRules()

    /// The category of a work from its first to its last day (both included).
    public func category(firstDay: CalendarDate, lastDay: CalendarDate, roadState: RoadState, detour: Bool,
                         workingDays: WorkingDays) -> WorkCategory {
        if roadState == .closed || detour { return .major }
        let days = workingDays.count(from: firstDay.adding(days: -1), to: lastDay)
        if days <= minorAtMost { return .minor }
        if days <= standardAtMost { return .standard }
        return .major
    }

    /// The last day on which notice may be given: so many working days before the first day.
    public func noticeBy(_ category: WorkCategory, firstDay: CalendarDate, workingDays: WorkingDays) -> CalendarDate {
        var day = firstDay
        var left = noticeWorkingDays[category] ?? 0
        while left > 0 {
            day = day.adding(days: -1)
            if workingDays.isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The day by which a major work should be on the shared map.
    public func planBy(firstDay: CalendarDate) -> CalendarDate {
        var year = firstDay.year, month = firstDay.month - majorPlanMonths
        while month < 1 { month += 12; year -= 1 }
        let day = min(firstDay.day, CalendarDate.daysIn(month: month, year: year))
        return CalendarDate(year: year, month: month, day: day)!
    }
}

/// A work's period as its owner gave it: two dates (the end included) or two instants (RFC 3339,
/// the end excluded), kept as given, with the half-open interval in seconds the detector reads.
public struct WorkPeriod: Hashable, Sendable {
    public enum Bound: Hashable, Sendable {
        case date(CalendarDate)
        case instant(Date)
    }

    public let start: Bound
    public let end: Bound

    /// Seconds since 1970 UTC: `startSeconds ..< endSeconds`.
    public let startSeconds: Int64
    public let endSeconds: Int64

    public enum Problem: Error, Equatable, Sendable {
        case invalidStart, invalidEnd, endBeforeStart, outOfRange

        public var key: String {
            switch self {
            case .invalidStart: "works.period.start_invalid"
            case .invalidEnd: "works.period.end_invalid"
            case .endBeforeStart: "works.period.end_before_start"
            case .outOfRange: "works.period.out_of_range"
            }
        }

        /// The field the problem belongs to.
        public var field: String { self == .invalidStart ? "debut" : "fin" }
    }

    /// Works are planned between these years (the detector's times fit 32 bits from the first).
    public static let years = 2000...2099

    /// Québec's time: a date's day runs from local midnight to local midnight.
    public static let timeZone = TimeZone(identifier: "America/Toronto")!

    public init(start: String, end: String) throws(Problem) {
        guard let s = WorkPeriod.bound(start.trimmingCharacters(in: .whitespaces)) else { throw .invalidStart }
        guard let e = WorkPeriod.bound(end.trimmingCharacters(in: .whitespaces)) else { throw .invalidEnd }
        try self.init(start: s, end: e)
    }

    public init(start: Bound, end: Bound) throws(Problem) {
        self.start = start
        self.end = end
        startSeconds = WorkPeriod.seconds(start, isEnd: false)
        endSeconds = WorkPeriod.seconds(end, isEnd: true)
        for bound in [start, end] {
            guard WorkPeriod.years.contains(WorkPeriod.day(bound, isEnd: false).year) else { throw .outOfRange }
        }
        guard endSeconds > startSeconds else { throw .endBeforeStart }
    }

    /// `YYYY-MM-DD` or an RFC 3339 timestamp with its offset.
    static func bound(_ text: String) -> Bound? {
        if let d = CalendarDate(iso: text) { return .date(d) }
        guard text.count >= 20 else { return nil }
        if let instant = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return .instant(instant) }
        if let instant = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return .instant(instant)
        }
        return nil
    }

    static func seconds(_ bound: Bound, isEnd: Bool) -> Int64 {
        switch bound {
        case .instant(let d): return Int64(d.timeIntervalSince1970.rounded(.down))
        case .date(let day): return localMidnight(isEnd ? day.adding(days: 1) : day)
        }
    }

    /// Local midnight of a day, in seconds since 1970.
    public static func localMidnight(_ day: CalendarDate) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return Int64(date.timeIntervalSince1970)
    }

    static func day(_ bound: Bound, isEnd: Bool) -> CalendarDate {
        switch bound {
        case .date(let d): return d
        case .instant(let i):
            // The last day of an excluded end is the day of the instant just before it.
            return CalendarDate(isEnd ? i.addingTimeInterval(-1) : i, timeZone: timeZone)
        }
    }

    /// The first and last days the work occupies, in Québec's time.
    public var firstDay: CalendarDate { WorkPeriod.day(start, isEnd: false) }
    public var lastDay: CalendarDate { WorkPeriod.day(end, isEnd: true) }

    /// Whether the owner gave dates (not instants).
    public var givenAsDates: Bool { if case .date = start, case .date = end { true } else { false } }

    /// The bounds as given: `YYYY-MM-DD` or RFC 3339 in UTC.
    public var startText: String { WorkPeriod.text(start) }
    public var endText: String { WorkPeriod.text(end) }

    static func text(_ bound: Bound) -> String {
        switch bound {
        case .date(let d): d.description
        case .instant(let i): i.formatted(Date.ISO8601FormatStyle())
        }
    }
}
