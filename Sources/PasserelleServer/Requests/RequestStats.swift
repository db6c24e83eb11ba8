import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The guichet's figures kept as the requests change (PAMAM 2.3: treatment capacity), so that the
/// dashboards read a few thousand counters instead of a million requests. One counter per period,
/// unit, type, person (agents' on-time answers only), metric and value:
///
/// - `filed`, `closed` (a request left the ministry's hands: closed, transferred or merged),
///   `answered` (value 1 on time, 0 late), by day, each with a monthly twin (`filed_m`…) so that a
///   year is read from its months;
/// - `pending` (added to when a request awaits the ministry's answer, taken from when it stops), by
///   its filing day: the backlog by age is read from it;
/// - `answer_days` and `close_days` (value: working days since filing, capped), `rating` (1–5) and
///   `agent_answered` (per person, value 1 on time, 0 late), by month (its first day): medians are
///   read from these exact histograms.
enum RequestStats {
    static let schema = "request_stats"
    /// The person of the counters that are nobody's (a unique key cannot hold nulls the same way on both databases).
    static let nobody = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    static let maxDays = 250

    enum Metric: String, CaseIterable, Sendable {
        case filed, closed, answered, answerDays = "answer_days", closeDays = "close_days", rating, agentAnswered = "agent_answered"
        case filedMonthly = "filed_m", closedMonthly = "closed_m", answeredMonthly = "answered_m", pending

        var daily: Bool { self == .filed || self == .closed || self == .answered || self == .pending }

        /// The monthly twin of a daily metric.
        var monthly: Metric? {
            switch self {
            case .filed: .filedMonthly
            case .closed: .closedMonthly
            case .answered: .answeredMonthly
            default: nil
            }
        }
    }

    /// Awaiting the ministry's answer: what the backlog counts.
    static func isPending(_ status: RequestStatus) -> Bool {
        !status.isFinal && status != .answered
    }

    struct Key: Hashable, Sendable {
        let period: String
        let unit: UUID
        let type: UUID
        let person: UUID
        let metric: Metric
        let value: Int
    }

    static func week(of day: CalendarDate) -> CalendarDate { day.adding(days: 1 - day.weekday) }

    static func month(of day: CalendarDate) -> CalendarDate { CalendarDate(year: day.year, month: day.month, day: 1)! }

    static func key(_ metric: Metric, value: Int = 0, on day: CalendarDate, unit: UUID, type: UUID, person: UUID? = nil) -> Key {
        Key(period: (metric.daily ? day : month(of: day)).iso, unit: unit, type: type, person: person ?? nobody,
            metric: metric, value: min(max(value, 0), maxDays))
    }

    static let keyColumns = ["period", "unit_id", "type_id", "person_id", "metric", "value"]

    /// Counts one event in the change that causes it (in a group-commit batch, summed in memory
    /// and written at the commit).
    static func count(_ key: Key, by delta: Int = 1, on db: any Database) async throws {
        for key in withTwin(key) {
            try await Writes.add(into: schema, key: keyColumns, values: values(key), identity: identity(key), count: "count", by: delta, on: db)
        }
    }

    /// The key and, for a daily metric, its monthly twin.
    static func withTwin(_ key: Key) -> [Key] {
        guard let monthly = key.metric.monthly, let day = CalendarDate(iso: key.period) else { return [key] }
        return [key, Key(period: month(of: day).iso, unit: key.unit, type: key.type, person: key.person, metric: monthly, value: key.value)]
    }

    static func values(_ key: Key) -> [any SQLExpression] {
        [SQLBind(key.period), SQLBind(key.unit), SQLBind(key.type), SQLBind(key.person), SQLBind(key.metric.rawValue), SQLBind(key.value)]
    }

    static func identity(_ key: Key) -> String {
        "\(key.metric.rawValue)|\(key.period)|\(key.unit)|\(key.type)|\(key.person)|\(key.value)"
    }

    /// The counters of a request's move: a first answer (on time or late, its service days, its
    /// agent), a departure (closed, transferred, merged).
    static func moved(_ model: RequestModel, from before: RequestStatus, unit unitBefore: UUID, to status: RequestStatus,
                      clock: ServiceClock, steps: [RequestStepModel], expectedOn: String, today: CalendarDate, days: WorkingDays,
                      on db: any Database) async throws {
        let unit = model.$unit.id, type = model.$type.id
        let filedOn = CalendarDate(iso: model.filedOn) ?? today
        if isPending(before) != isPending(status) || (isPending(status) && unitBefore != unit) {
            if isPending(before) { try await count(key(.pending, on: filedOn, unit: unitBefore, type: type), by: -1, on: db) }
            if isPending(status) { try await count(key(.pending, on: filedOn, unit: unit, type: type), on: db) }
        }
        if status == .answered, steps.filter({ $0.status == .answered }).count == 1 {
            let onTime = today <= (CalendarDate(iso: expectedOn) ?? today) ? 1 : 0
            try await count(key(.answered, value: onTime, on: today, unit: unit, type: type), on: db)
            try await count(key(.answerDays, value: clock.elapsed(on: today, in: days).running, on: today, unit: unit, type: type), on: db)
            if let person = model.$assignee.id {
                try await count(key(.agentAnswered, value: onTime, on: today, unit: unit, type: type, person: person), on: db)
            }
        }
        if status.isFinal {
            try await count(key(.closed, on: today, unit: unit, type: type), on: db)
            let filed = CalendarDate(iso: model.filedOn) ?? today
            try await count(key(.closeDays, value: days.count(from: filed, to: today), on: today, unit: unit, type: type), on: db)
        }
    }

    static func create(on database: any Database) async throws {
        if DatabaseDialect(database) == .sqlite {
            // Rows kept in key order (no rowid): a period's counters are read in one pass over
            // neighbouring pages, with no lookup from an index into the table.
            try await database.sql.raw("""
                CREATE TABLE request_stats (period TEXT NOT NULL, unit_id BLOB NOT NULL, type_id BLOB NOT NULL,
                person_id BLOB NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL, count INTEGER NOT NULL,
                PRIMARY KEY (metric, period, unit_id, type_id, person_id, value)) WITHOUT ROWID
                """).run()
            return
        }
        try await database.schema(schema)
            .field("period", .string, .required)
            .field("unit_id", .uuid, .required)
            .field("type_id", .uuid, .required)
            .field("person_id", .uuid, .required)
            .field("metric", .string, .required)
            .field("value", .int, .required)
            .field("count", .int, .required)
            .unique(on: "metric", "period", "unit_id", "type_id", "person_id", "value")
            .create()
    }

    /// Writes counters summed elsewhere (the demo's million requests), adding to what is there.
    static func add(_ counts: [Key: Int], on db: any Database) async throws {
        var all: [Key: Int] = [:]
        for (key, n) in counts { for k in withTwin(key) { all[k, default: 0] += n } }
        try await WriteBatch.upsert(all.map { WriteBatch.Sum(table: schema, key: keyColumns, values: values($0.key), column: "count",
                                                             delta: $0.value) },
                                    on: db.sql)
    }
}

extension RequestStats {
    /// Counts the requests already there (a database that had requests before the counters):
    /// each request's steps replayed in order, a thousand requests at a time. An answer is judged
    /// on time against the request's expected date as it stands.
    static func backfill(on db: any Database, days: WorkingDays) async throws {
        let sql = db.sql
        var counts: [Key: Int] = [:]
        var last: UUID?
        while true {
            var page = sql.select().columns("id", "unit_id", "type_id", "assignee_id", "filed_on", "expected_on", "rating", "status")
                .from(RequestModel.schema).orderBy("id").limit(1_000)
            if let last { page = page.where("id", .greaterThan, SQLBind(last)) }
            let requests = try await page.all()
            guard !requests.isEmpty else { break }
            var ids: [UUID] = []
            for row in requests { ids.append(try row.decode(column: "id", as: UUID.self)) }
            last = ids.last
            var steps: [UUID: [(status: RequestStatus, on: CalendarDate)]] = [:]
            for row in try await sql.select().columns("request_id", "status", "on_date").from(RequestStepModel.schema)
                .where("request_id", .in, SQLBind.group(ids)).orderBy("on_date").orderBy("created_at").all() {
                guard let status = RequestStatus(rawValue: try row.decode(column: "status", as: String.self)),
                      let on = CalendarDate(iso: try row.decode(column: "on_date", as: String.self)) else { continue }
                steps[try row.decode(column: "request_id", as: UUID.self), default: []].append((status, on))
            }
            for row in requests {
                let id = try row.decode(column: "id", as: UUID.self)
                let unit = try row.decode(column: "unit_id", as: UUID.self), type = try row.decode(column: "type_id", as: UUID.self)
                guard let filed = CalendarDate(iso: try row.decode(column: "filed_on", as: String.self)) else { continue }
                let expected = CalendarDate(iso: try row.decode(column: "expected_on", as: String.self)) ?? filed
                counts[key(.filed, on: filed, unit: unit, type: type), default: 0] += 1
                if let status = RequestStatus(rawValue: try row.decode(column: "status", as: String.self)), isPending(status) {
                    counts[key(.pending, on: filed, unit: unit, type: type), default: 0] += 1
                }
                var answered = false
                var closedOn: CalendarDate?
                for step in steps[id] ?? [] {
                    if !answered && (step.status == .answered || (step.status == .closed && closedOn == nil)) {
                        answered = true
                        let onTime = step.on <= expected ? 1 : 0
                        counts[key(.answered, value: onTime, on: step.on, unit: unit, type: type), default: 0] += 1
                        counts[key(.answerDays, value: days.count(from: filed, to: step.on), on: step.on, unit: unit, type: type), default: 0] += 1
                        if let person = try row.decode(column: "assignee_id", as: UUID?.self) {
                            counts[key(.agentAnswered, value: onTime, on: step.on, unit: unit, type: type, person: person), default: 0] += 1
                        }
                    }
                    if step.status.isFinal {
                        closedOn = step.on
                        counts[key(.closed, on: step.on, unit: unit, type: type), default: 0] += 1
                        counts[key(.closeDays, value: days.count(from: filed, to: step.on), on: step.on, unit: unit, type: type), default: 0] += 1
                    }
                }
                if let rating = try row.decode(column: "rating", as: Int?.self), let closedOn {
                    counts[key(.rating, value: rating, on: closedOn, unit: unit, type: type), default: 0] += 1
                }
            }
            if counts.count > 50_000 {
                try await add(counts, on: db)
                counts.removeAll()
            }
        }
        try await add(counts, on: db)
    }
}
