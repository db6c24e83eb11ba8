import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

enum CapacityQueries {
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

    /// Names by id, read with SQL (Fluent's decoding of hundreds of people cost more than the figures).
    static func names(_ table: String, column: String, where filter: (String, String)? = nil, ids: [UUID]? = nil,
                      on db: any Database) async throws -> [UUID: String] {
        var query = db.sql.select().column("id").column(SQLAlias(SQLIdentifier(column), as: SQLIdentifier("label")))
            .from(table)
        if let filter { query = query.where(SQLIdentifier(filter.0), .equal, SQLBind(filter.1)) }
        if let ids { query = query.where("id", .in, SQLBind.group(ids)) }
        var result: [UUID: String] = [:]
        for row in try await query.all().map(PlainRow.init) { result[try row.uuid("id")] = try row.string("label") }
        return result
    }

    /// The whole months inside a period and the days outside them: a year is read from twelve
    /// monthly counters rather than 365 daily ones.
    static func split(from: CalendarDate, to: CalendarDate) -> (days: [(CalendarDate, CalendarDate)], months: (CalendarDate, CalendarDate)?) {
        let firstWhole = from.day == 1 ? from : RequestStats.month(of: from.adding(days: CalendarDate.daysIn(month: from.month, year: from.year) - from.day + 1))
        let endOfTo = CalendarDate.daysIn(month: to.month, year: to.year) == to.day
        let lastWhole = endOfTo ? RequestStats.month(of: to) : RequestStats.month(of: RequestStats.month(of: to).adding(days: -1))
        guard firstWhole <= lastWhole else { return ([(from, to)], nil) }
        var days: [(CalendarDate, CalendarDate)] = []
        if from < firstWhole { days.append((from, firstWhole.adding(days: -1))) }
        let afterLast = lastWhole.adding(days: CalendarDate.daysIn(month: lastWhole.month, year: lastWhole.year))
        if afterLast <= to { days.append((afterLast, to)) }
        return (days, (firstWhole, lastWhole))
    }

    /// One metric's counters in a range of periods, grouped by the given columns (and the value).
    static func rows(_ metric: RequestStats.Metric, periods: (CalendarDate, CalendarDate), unit: UUID?, by columns: [String],
                     on db: any Database) async throws -> [(keys: [String: UUID], value: Int, count: Int)] {
        let sql = db.sql
        var query = sql.select()
        for column in columns { query = query.column(SQLIdentifier(column)) }
        query = query.column(SQLIdentifier("value"))
            .column(SQLAlias(SQLRaw("CAST(SUM(count) AS BIGINT)"), as: SQLIdentifier("n")))
            .from(RequestStats.schema)
            .where("metric", .equal, SQLBind(metric.rawValue))
            .where("period", .greaterThanOrEqual, SQLBind(periods.0.iso))
            .where("period", .lessThanOrEqual, SQLBind(periods.1.iso))
        if let unit { query = query.where("unit_id", .equal, SQLBind(unit)) }
        for column in columns { query = query.groupBy(SQLIdentifier(column)) }
        query = query.groupBy(SQLIdentifier("value"))
        // Each cell read by its type (`PlainRow`): the figures of all units are thousands of sums.
        return try await query.all().map(PlainRow.init).map { row in
            var keys: [String: UUID] = [:]
            for column in columns { keys[column] = try row.uuid(column) }
            return (keys, try row.int("value"), try row.int("n"))
        }
    }

    /// Sums of one metric over a period: a daily metric from its monthly twin for the whole months
    /// and its days for the rest; a monthly one from the months the period touches.
    static func sums(_ metric: RequestStats.Metric, from: CalendarDate, to: CalendarDate, unit: UUID?, by columns: [String],
                     on db: any Database) async throws -> [(keys: [String: UUID], value: Int, count: Int)] {
        guard metric.daily, let monthly = metric.monthly else {
            let periods = metric.daily ? (from, to) : (RequestStats.month(of: from), RequestStats.month(of: to))
            return try await rows(metric, periods: periods, unit: unit, by: columns, on: db)
        }
        let (days, months) = split(from: from, to: to)
        var result = try await months.asyncFlatMap { try await rows(monthly, periods: $0, unit: unit, by: columns, on: db) } ?? []
        for range in days { result += try await rows(metric, periods: range, unit: unit, by: columns, on: db) }
        return result
    }

    /// A daily metric per period: by week (its Monday) from the days, or by month from the twins.
    static func flow(_ metric: RequestStats.Metric, from: CalendarDate, to: CalendarDate, unit: UUID?, byMonth: Bool,
                     on db: any Database) async throws -> [String: Int] {
        let sql = db.sql
        let stored = byMonth ? (metric.monthly ?? metric) : metric
        var query = sql.select().column(SQLIdentifier("period"))
            .column(SQLAlias(SQLRaw("CAST(SUM(count) AS BIGINT)"), as: SQLIdentifier("n")))
            .from(RequestStats.schema)
            .where("metric", .equal, SQLBind(stored.rawValue))
            .where("period", .greaterThanOrEqual, SQLBind((byMonth ? RequestStats.month(of: from) : from).iso))
            .where("period", .lessThanOrEqual, SQLBind(to.iso))
        if let unit { query = query.where("unit_id", .equal, SQLBind(unit)) }
        var result: [String: Int] = [:]
        for row in try await query.groupBy(SQLIdentifier("period")).all().map(PlainRow.init) {
            guard let day = CalendarDate(iso: try row.string("period")) else { continue }
            result[(byMonth ? day : RequestStats.week(of: day)).iso, default: 0] += try row.int("n")
        }
        return result
    }

    /// Every figure of a period. `backlog` reads the pending counters as they are now; `byMonth`
    /// gives the flow by month (a report) rather than by week (a dashboard).
    static func figures(from: CalendarDate, to: CalendarDate, unit: UUID?, backlog: Bool, today: CalendarDate,
                        language: Language, byMonth: Bool = false, on db: any Database) async throws -> CapacityFigures {
        var figures = CapacityFigures(from: from, to: to)
        figures.byMonth = byMonth
        // The counters' queries are independent: run at once, a dashboard waits for the slowest
        // rather than for their sum (on PostgreSQL each takes a connection of its own).
        func histogram(_ metric: RequestStats.Metric) async throws -> [Int: Int] {
            var result: [Int: Int] = [:]
            for row in try await sums(metric, from: from, to: to, unit: unit, by: [], on: db) { result[row.value, default: 0] += row.count }
            return result
        }
        async let filedFlow = flow(.filed, from: from, to: to, unit: unit, byMonth: byMonth, on: db)
        async let closedFlow = flow(.closed, from: from, to: to, unit: unit, byMonth: byMonth, on: db)
        async let filedSums = sums(.filed, from: from, to: to, unit: unit, by: [], on: db)
        async let closedSums = sums(.closed, from: from, to: to, unit: unit, by: [], on: db)
        async let typeNames = names(RequestTypeModel.schema, column: language == .enCA ? "name_en" : "name_fr", on: db)
        async let unitNames = names(OrganisationModel.schema, column: "name", where: ("kind", OrganisationKind.ministryUnit.rawValue), on: db)
        async let answeredRows = sums(.answered, from: from, to: to, unit: unit, by: ["type_id", "unit_id"], on: db)
        async let agentRows = sums(.agentAnswered, from: from, to: to, unit: unit, by: ["person_id"], on: db)
        async let answerDays = histogram(.answerDays)
        async let closeDays = histogram(.closeDays)
        async let ratings = histogram(.rating)
        async let pending = backlog ? self.backlog(unit: unit, today: today, on: db) : nil
        let filed = try await filedFlow
        let closed = try await closedFlow
        var start = byMonth ? RequestStats.month(of: from) : RequestStats.week(of: from)
        while start <= to {
            figures.weeks.append((start, filed[start.iso] ?? 0, closed[start.iso] ?? 0))
            start = byMonth ? start.adding(days: CalendarDate.daysIn(month: start.month, year: start.year)) : start.adding(days: 7)
        }
        figures.filed = try await filedSums.map(\.count).reduce(0, +)
        figures.closed = try await closedSums.map(\.count).reduce(0, +)

        let types = try await typeNames
        let units = try await unitNames
        var byType: [UUID: CapacityFigures.Rate] = [:], byUnit: [UUID: CapacityFigures.Rate] = [:]
        for row in try await answeredRows {
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
        for row in try await agentRows {
            let id = row.keys["person_id"]!
            byAgent[id, default: .init()].total += row.count
            if row.value == 1 { byAgent[id, default: .init()].onTime += row.count }
        }
        let shown = byAgent.filter { $0.value.total >= minimumVolume }
        figures.agentsBelowMinimum = byAgent.count - shown.count
        let people = shown.isEmpty ? [:] : try await names(PersonModel.schema, column: "display_name", ids: Array(shown.keys), on: db)
        // Alphabetical, accents aside: each name folded once, not at each comparison.
        figures.byAgent = shown.map { (name: people[$0.key] ?? "—", rate: $0.value) }
            .map { ($0, $0.name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)) }
            .sorted { $0.1 < $1.1 }.map(\.0)

        figures.medianAnswerDays = median(try await answerDays)
        figures.medianCloseDays = median(try await closeDays)
        figures.ratings = try await ratings
        figures.backlog = try await pending
        return figures
    }

    /// Requests awaiting the ministry's answer, by age band: the pending counters of each filing day.
    static func backlog(unit: UUID?, today: CalendarDate, on db: any Database) async throws -> [Int] {
        let sql = db.sql
        var query = sql.select().column(SQLIdentifier("period"))
            .column(SQLAlias(SQLRaw("CAST(SUM(count) AS BIGINT)"), as: SQLIdentifier("n")))
            .from(RequestStats.schema).where("metric", .equal, SQLBind(RequestStats.Metric.pending.rawValue))
        if let unit { query = query.where("unit_id", .equal, SQLBind(unit)) }
        var counts = [0, 0, 0, 0]
        for row in try await query.groupBy(SQLIdentifier("period")).all().map(PlainRow.init) {
            guard let day = CalendarDate(iso: try row.string("period")) else { continue }
            let age = today.dayNumber - day.dayNumber
            counts[bands.firstIndex { age < $0 } ?? bands.count] += try row.int("n")
        }
        return counts
    }
}
