import Fluent
import Foundation
import PasserelleCore
import Vapor

/// `/capacite`: the guichet's capacity for the BCAM and each directorate (PAMAM 2.3) — intake and
/// departures per week, backlog by age, on-time answers per type, unit and agent, median times,
/// satisfaction — as charts with their data tables, and in CSV. `/capacite/bilan`: the yearly
/// report for any twelve months, with the twelve before.
struct CapacityPages: Sendable {

    struct Scope {
        var unit: OrganisationModel?
        var from: CalendarDate
        var to: CalendarDate
        var units: [OrganisationModel]
        var errors: FormInput.Errors
        /// The same errors by their catalog key, for the API's problem.
        var problems: [Problem.Field] = []
    }

    /// The unit (`unite`, a code) and the period (`du`, `au`; by default the twelve weeks to today).
    func scope(_ req: Request, defaultWeeks: Int) async throws -> Scope {
        let l = req.localizer
        let today = req.application.today
        let units = try await OrganisationModel.query(on: req.db).filter(\.$kind == .ministryUnit).filter(\.$active == true)
            .sort(\.$name).all()
            .filter { $0.code == "unite-bcam" || $0.code.hasPrefix("unite-dgt") || $0.code == "unite-srm" }
        var errors: FormInput.Errors = []
        var problems: [Problem.Field] = []
        func fail(_ name: String, _ key: String) {
            errors.append((name, l(key)))
            problems.append(Problem.Field(name: name, key: key, arguments: [:]))
        }
        var unit: OrganisationModel?
        if let code = req.query[String.self, at: "unite"], !code.isEmpty {
            unit = units.first { $0.code == code }
            if unit == nil { fail("unite", "capacity.error.unit") }
        }
        var to = today, from = RequestStats.week(of: today).adding(days: -7 * (defaultWeeks - 1))
        if let text = req.query[String.self, at: "au"], !text.isEmpty {
            if let day = CalendarDate(iso: text) { to = day } else { fail("au", "capacity.error.date") }
        }
        if let text = req.query[String.self, at: "du"], !text.isEmpty {
            if let day = CalendarDate(iso: text) { from = day } else { fail("du", "capacity.error.date") }
        }
        if from > to { fail("du", "capacity.error.range"); from = to }
        if to.dayNumber - from.dayNumber > 3 * 366 { fail("du", "capacity.error.long"); from = to.adding(days: -366) }
        return Scope(unit: unit, from: from, to: to, units: units, errors: errors, problems: problems)
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        let scope = try await scope(req, defaultWeeks: 12)
        let figures = try await CapacityQueries.figures(from: scope.from, to: scope.to, unit: try scope.unit?.requireID(), backlog: true,
                                                 today: req.application.today, language: req.localizer.language, on: req.db)
        return CapacityViews.dashboard(Layout(req), scope: scope, figures: figures, query: req.url.query ?? "")
            .page(status: scope.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The report's period (by default the last twelve whole months) and its figures with those of
    /// the period of the same length just before it.
    func reportFigures(_ req: Request) async throws -> (scope: Scope, current: CapacityFigures, previous: CapacityFigures) {
        let today = req.application.today
        var scope = try await scope(req, defaultWeeks: 12)
        if req.query[String.self, at: "du"] == nil && req.query[String.self, at: "au"] == nil {
            // The last twelve whole months.
            let firstOfMonth = RequestStats.month(of: today)
            scope.to = firstOfMonth.adding(days: -1)
            scope.from = CalendarDate(year: firstOfMonth.year - 1, month: firstOfMonth.month, day: 1)!
        }
        let length = scope.to.dayNumber - scope.from.dayNumber
        let before = (scope.from.adding(days: -length - 1), scope.from.adding(days: -1))
        let language = req.localizer.language
        let unit = try scope.unit?.requireID()
        let current = try await CapacityQueries.figures(from: scope.from, to: scope.to, unit: unit, backlog: false, today: today,
                                                 language: language, byMonth: true, on: req.db)
        let previous = try await CapacityQueries.figures(from: before.0, to: before.1, unit: unit, backlog: false, today: today,
                                                  language: language, byMonth: true, on: req.db)
        return (scope, current, previous)
    }

    @Sendable func report(_ req: Request) async throws -> Response {
        let (scope, current, previous) = try await reportFigures(req)
        return CapacityViews.report(Layout(req), scope: scope, current: current, previous: previous)
            .page(status: scope.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The dashboard's figures, one per line: what, for what, how many, out of how many.
    @Sendable func csv(_ req: Request) async throws -> Response {
        let scope = try await scope(req, defaultWeeks: 12)
        guard scope.errors.isEmpty else { throw Problem(.badRequest, code: "bad_request", key: "capacity.error.csv") }
        let l = req.localizer
        let f = try await CapacityQueries.figures(from: scope.from, to: scope.to, unit: try scope.unit?.requireID(), backlog: true,
                                           today: req.application.today, language: l.language, on: req.db)
        var rows: [[String]] = [[l("capacity.csv.figure"), l("capacity.csv.dimension"), l("capacity.csv.value"), l("capacity.csv.of")]]
        for w in f.weeks {
            rows.append([l("capacity.filed"), w.week.iso, String(w.filed), ""])
            rows.append([l("capacity.closed"), w.week.iso, String(w.closed), ""])
        }
        for (index, count) in (f.backlog ?? []).enumerated() { rows.append([l("capacity.backlog"), l("capacity.band.\(index)"), String(count), ""]) }
        rows.append([l("capacity.on_time"), l("capacity.all"), String(f.onTime.onTime), String(f.onTime.total)])
        for t in f.byType { rows.append([l("capacity.on_time_type"), t.name, String(t.rate.onTime), String(t.rate.total)]) }
        for u in f.byUnit { rows.append([l("capacity.on_time_unit"), u.name, String(u.rate.onTime), String(u.rate.total)]) }
        for a in f.byAgent { rows.append([l("capacity.on_time_agent"), a.name, String(a.rate.onTime), String(a.rate.total)]) }
        rows.append([l("capacity.median_answer"), l("capacity.working_days"), f.medianAnswerDays.map(String.init) ?? "", ""])
        rows.append([l("capacity.median_close"), l("capacity.working_days"), f.medianCloseDays.map(String.init) ?? "", ""])
        for rating in 1...5 { rows.append([l("capacity.satisfaction"), String(rating), String(f.ratings[rating] ?? 0), String(f.ratingCount)]) }
        let text = "\u{FEFF}" + rows.map { $0.map(CSV.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"capacite-\(scope.unit?.code ?? "tout")-\(scope.from.iso)-\(scope.to.iso).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

}
