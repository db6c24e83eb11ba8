import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The figures of the guichet for a period and a unit (or all), read from the counters of
/// `RequestStats` and, for the backlog, from the open requests themselves.
struct CapacityFigures: Sendable {
    struct Rate: Sendable, Equatable {
        var onTime = 0
        var total = 0
        var percent: Double? { total == 0 ? nil : Double(onTime) * 100 / Double(total) }
    }

    var from: CalendarDate
    var to: CalendarDate
    var weeks: [(week: CalendarDate, filed: Int, closed: Int)] = []
    var filed = 0
    var closed = 0
    var onTime = Rate()
    var byType: [(name: String, rate: Rate)] = []
    var byUnit: [(name: String, rate: Rate)] = []
    /// People with at least `minimumVolume` answers, in alphabetical order (never ranked).
    var byAgent: [(name: String, rate: Rate)] = []
    /// People left out for their small number of answers.
    var agentsBelowMinimum = 0
    var medianAnswerDays: Int?
    var medianCloseDays: Int?
    var ratings: [Int: Int] = [:]
    /// Open requests not yet answered, by age band (see `Capacity.bands`); nil for past periods.
    var backlog: [Int]?

    var ratingCount: Int { ratings.values.reduce(0, +) }
    var ratingAverage: Double? {
        ratingCount == 0 ? nil : Double(ratings.map { $0.key * $0.value }.reduce(0, +)) / Double(ratingCount)
    }
}

enum Capacity {
    /// An agent is shown with fewer answers than this in no table.
    static let minimumVolume = 10
    /// Backlog age bands, in calendar days since filing: under 10, 10 to 29, 30 to 89, 90 and more.
    static let bands = [10, 30, 90]

    /// The median of a histogram (value → count): the lower middle value.
    static func median(_ histogram: [Int: Int]) -> Int? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for value in histogram.keys.sorted() {
            seen += histogram[value]!
            if seen * 2 >= total { return value }
        }
        return nil
    }

    /// Sums of one metric over a period, grouped by the given columns (and the value).
    static func sums(_ metric: RequestStats.Metric, from: CalendarDate, to: CalendarDate, unit: UUID?, by columns: [String],
                     on db: any Database) async throws -> [(keys: [String: UUID], value: Int, count: Int)] {
        let sql = db as! any SQLDatabase
        let first = metric.daily ? from : RequestStats.month(of: from)
        let last = metric.daily ? to : RequestStats.month(of: to)
        var query = sql.select()
        for column in columns { query = query.column(SQLIdentifier(column)) }
        query = query.column(SQLIdentifier("value"))
            .column(SQLAlias(SQLFunction("SUM", args: SQLIdentifier("count")), as: SQLIdentifier("n")))
            .from(RequestStats.schema)
            .where("metric", .equal, SQLBind(metric.rawValue))
            .where("period", .greaterThanOrEqual, SQLBind(first.iso))
            .where("period", .lessThanOrEqual, SQLBind(last.iso))
        if let unit { query = query.where("unit_id", .equal, SQLBind(unit)) }
        for column in columns { query = query.groupBy(SQLIdentifier(column)) }
        query = query.groupBy(SQLIdentifier("value"))
        return try await query.all().map { row in
            var keys: [String: UUID] = [:]
            for column in columns { keys[column] = try row.decode(column: column, as: UUID.self) }
            return (keys, try row.decode(column: "value", as: Int.self), try row.decode(column: "n", as: Int.self))
        }
    }

    /// A daily metric summed by week (its Monday).
    static func weekly(_ metric: RequestStats.Metric, from: CalendarDate, to: CalendarDate, unit: UUID?,
                       on db: any Database) async throws -> [String: Int] {
        let sql = db as! any SQLDatabase
        var query = sql.select().column(SQLIdentifier("period"))
            .column(SQLAlias(SQLFunction("SUM", args: SQLIdentifier("count")), as: SQLIdentifier("n")))
            .from(RequestStats.schema)
            .where("metric", .equal, SQLBind(metric.rawValue))
            .where("period", .greaterThanOrEqual, SQLBind(from.iso))
            .where("period", .lessThanOrEqual, SQLBind(to.iso))
        if let unit { query = query.where("unit_id", .equal, SQLBind(unit)) }
        var result: [String: Int] = [:]
        for row in try await query.groupBy(SQLIdentifier("period")).all() {
            guard let day = CalendarDate(iso: try row.decode(column: "period", as: String.self)) else { continue }
            result[RequestStats.week(of: day).iso, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    /// Every figure of a period. `backlog` reads the open requests as they are now.
    static func figures(from: CalendarDate, to: CalendarDate, unit: UUID?, backlog: Bool, today: CalendarDate,
                        language: Language, on db: any Database) async throws -> CapacityFigures {
        var figures = CapacityFigures(from: from, to: to)
        let filed = try await weekly(.filed, from: from, to: to, unit: unit, on: db)
        let closed = try await weekly(.closed, from: from, to: to, unit: unit, on: db)
        var week = RequestStats.week(of: from)
        while week <= to {
            // The first and last weeks count only the period's days.
            figures.weeks.append((week, filed[week.iso] ?? 0, closed[week.iso] ?? 0))
            week = week.adding(days: 7)
        }
        figures.filed = filed.values.reduce(0, +)
        figures.closed = closed.values.reduce(0, +)

        let types = Dictionary(try await RequestTypeModel.query(on: db).all().compactMap { t in t.id.map { ($0, t.name(language)) } },
                               uniquingKeysWith: { a, _ in a })
        let units = Dictionary(try await OrganisationModel.query(on: db).filter(\.$kind == .ministryUnit).all()
            .compactMap { u in u.id.map { ($0, u.name) } }, uniquingKeysWith: { a, _ in a })
        var byType: [UUID: CapacityFigures.Rate] = [:], byUnit: [UUID: CapacityFigures.Rate] = [:]
        for row in try await sums(.answered, from: from, to: to, unit: unit, by: ["type_id", "unit_id"], on: db) {
            for target in [0, 1] {
                let id = row.keys[target == 0 ? "type_id" : "unit_id"]!
                var rate = (target == 0 ? byType[id] : byUnit[id]) ?? .init()
                rate.total += row.count
                if row.value == 1 { rate.onTime += row.count }
                if target == 0 { byType[id] = rate } else { byUnit[id] = rate }
            }
            figures.onTime.total += row.count
            if row.value == 1 { figures.onTime.onTime += row.count }
        }
        figures.byType = byType.map { (types[$0.key] ?? "—", $0.value) }.sorted { $0.name < $1.name }
        figures.byUnit = byUnit.map { (units[$0.key] ?? "—", $0.value) }.sorted { $0.name < $1.name }

        var byAgent: [UUID: CapacityFigures.Rate] = [:]
        for row in try await sums(.agentAnswered, from: from, to: to, unit: unit, by: ["person_id"], on: db) {
            let id = row.keys["person_id"]!
            byAgent[id, default: .init()].total += row.count
            if row.value == 1 { byAgent[id, default: .init()].onTime += row.count }
        }
        let shown = byAgent.filter { $0.value.total >= minimumVolume }
        figures.agentsBelowMinimum = byAgent.count - shown.count
        let people = Dictionary(try await PersonModel.query(on: db).filter(\.$id ~~ Set(shown.keys)).all()
            .compactMap { p in p.id.map { ($0, p.displayName) } }, uniquingKeysWith: { a, _ in a })
        figures.byAgent = shown.map { (people[$0.key] ?? "—", $0.value) }
            .sorted { $0.name.folding(options: .diacriticInsensitive, locale: nil) < $1.name.folding(options: .diacriticInsensitive, locale: nil) }

        func histogram(_ metric: RequestStats.Metric) async throws -> [Int: Int] {
            var result: [Int: Int] = [:]
            for row in try await sums(metric, from: from, to: to, unit: unit, by: [], on: db) { result[row.value, default: 0] += row.count }
            return result
        }
        figures.medianAnswerDays = median(try await histogram(.answerDays))
        figures.medianCloseDays = median(try await histogram(.closeDays))
        figures.ratings = try await histogram(.rating)
        if backlog { figures.backlog = try await self.backlog(unit: unit, today: today, on: db) }
        return figures
    }

    /// Open requests not yet answered, by age band, read from their partial index.
    static func backlog(unit: UUID?, today: CalendarDate, on db: any Database) async throws -> [Int] {
        let sql = db as! any SQLDatabase
        let limits = bands.map { today.adding(days: -$0).iso }
        var query: SQLQueryString = """
            SELECT CASE WHEN filed_on > \(bind: limits[0]) THEN 0 WHEN filed_on > \(bind: limits[1]) THEN 1 \
            WHEN filed_on > \(bind: limits[2]) THEN 2 ELSE 3 END AS band, COUNT(*) AS n FROM requests \
            WHERE \(unsafeRaw: RequestQueues.condition) AND status <> 'answered'
            """
        if let unit { query.appendInterpolation(unsafeRaw: " AND unit_id = "); query.appendInterpolation(bind: unit) }
        query.appendInterpolation(unsafeRaw: " GROUP BY band")
        var counts = [0, 0, 0, 0]
        for row in try await sql.raw(query).all() {
            counts[try row.decode(column: "band", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }
}

struct CreateBacklogIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(SQLQueryString(
            "CREATE INDEX requests_open_age ON requests (unit_id, status, filed_on) WHERE \(RequestQueues.condition)")).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX requests_open_age").run()
    }
}
