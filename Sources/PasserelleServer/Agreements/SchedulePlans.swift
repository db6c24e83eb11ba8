import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// What remains of an agreement's schedule to be written as rows: the terms its lines are computed
/// from, the sequence of its first payment and the number of the reports before its own.
///
/// A schedule is planned in full at signing and shown in full everywhere, but its lines become
/// rows only when something happens to them (50,000 schedules in 2 s leave no room for
/// 350,000 rows): a payment when a run dated on or after its day takes it, when the report that
/// releases it is accepted, or when it is carried over; a report when the one before it is
/// accepted (the first at signing). The rows are always a prefix of the plan, by sequence; the
/// lines after the last row are the plan's.
struct SchedulePlan: Codable, Sendable, Equatable {
    var terms: ScheduleTerms
    var firstSequence: Int
    var reportBase: Int

    struct Payment: Sendable, Equatable {
        var sequence: Int
        var kind: String
        var dueOn: CalendarDate
        var cents: Int64
        /// `date`, `report:N`, `final`.
        var release: String
    }

    struct Report: Sendable, Equatable {
        var sequence: Int
        var isFinal: Bool
        var dueOn: CalendarDate
    }

    var lines: [ScheduledPayment] { PaymentSchedule.make(terms) }

    var payments: [Payment] { payments(of: lines) }

    func payments(of lines: [ScheduledPayment]) -> [Payment] {
        lines.map { line in
            let release: String
            switch line.release {
            case .date: release = "date"
            case .report(let n): release = "report:\(reportBase + n)"
            case .finalReport: release = "final"
            }
            return Payment(sequence: firstSequence - 1 + line.sequence, kind: line.kind.rawValue, dueOn: line.dueOn, cents: line.cents,
                           release: release)
        }
    }

    var reports: [Report] { reports(of: lines) }

    func reports(of lines: [ScheduledPayment]) -> [Report] {
        Agreements.reportDates(lines, terms: terms).map { Report(sequence: reportBase + $0.sequence, isFinal: $0.final, dueOn: $0.due) }
    }

    /// The day the first payment after `sequence` released by its date falls due.
    func nextDated(after sequence: Int) -> CalendarDate? {
        payments.first { $0.sequence > sequence && $0.release == "date" }?.dueOn
    }
}

extension Agreements {
    /// The plan of an agreement in force, if lines remain to be written.
    static func plan(of agreement: AgreementModel) -> SchedulePlan? {
        plan(state: agreement.state, terms: agreement.termsJSON, plan: agreement.schedulePlanJSON)
    }

    static func plan(state: String, terms: String, plan: String?) -> SchedulePlan? {
        guard state == "in_force" else { return nil }
        guard let plan else {
            return ScheduleTerms(json: terms).map { SchedulePlan(terms: $0, firstSequence: 1, reportBase: 0) }
        }
        return plan.isEmpty ? nil : try? JSONDecoder().decode(SchedulePlan.self, from: Data(plan.utf8))
    }

    static func json(_ plan: SchedulePlan) -> String { GrantProgramModel.json(plan) }

    static func paymentRow(_ line: SchedulePlan.Payment, agreement: UUID, organisation: UUID, state: String, at now: Date) -> [LiteralRows.Cell] {
        [.uuid(.timeOrdered(at: now)), .date(now), .uuid(agreement), .uuid(organisation), .int(Int64(line.sequence)), .text(line.kind),
         .text(line.dueOn.iso), .text(line.dueOn.iso), .int(line.cents), .text(GovernmentFiscalYear(containing: line.dueOn).description),
         .int(Int64(line.dueOn.year)), .text(line.release), .text(state), .null, .null]
    }

    static func reportRow(_ report: SchedulePlan.Report, agreement: UUID, organisation: UUID, at now: Date) -> [LiteralRows.Cell] {
        [.uuid(.timeOrdered(at: now)), .date(now), .int(1), .uuid(agreement), .uuid(organisation), .int(Int64(report.sequence)),
         .bool(report.isFinal), .text(report.dueOn.iso), .text("expected"), .text("{}"), .int(0), .text(""), .text("")]
    }

    /// What signing (or an amendment) writes: the plan's first report, and the day its first dated
    /// payment falls due, for the payment runs. The payments wait for a run or a report.
    static func start(_ plan: SchedulePlan, agreement: UUID, organisation: UUID, at now: Date)
        -> (reports: [[LiteralRows.Cell]], nextPlannedOn: String?) {
        let lines = plan.lines
        return (plan.reports(of: lines).prefix(1).map { reportRow($0, agreement: agreement, organisation: organisation, at: now) },
                plan.payments(of: lines).first { $0.release == "date" }?.dueOn.iso)
    }

    /// Starts the schedule of an agreement that just came into force (or was amended; `plan` is
    /// already its plan): its first report, unless one is still open, and the day of its first
    /// dated payment.
    static func startSchedule(_ agreement: AgreementModel, plan: SchedulePlan, on db: any Database) async throws {
        try await openNextReport(agreement, on: db)
        agreement.nextPlannedOn = plan.nextDated(after: plan.firstSequence - 1)?.iso
        try await db.sql.update(AgreementModel.schema).set("next_planned_on", to: SQLBind(agreement.nextPlannedOn))
            .where("id", .equal, SQLBind(try agreement.requireID())).run()
    }

    static func storedMax(_ table: String, agreement id: UUID, on db: any Database) async throws -> Int {
        try await db.sql.select().column(SQLAlias(SQLFunction("MAX", args: SQLIdentifier("sequence")), as: SQLIdentifier("m")))
            .from(table).where("agreement_id", .equal, SQLBind(id)).first()?.decode(column: "m", as: Int?.self) ?? 0
    }

    /// Writes the plan's payments up to `sequence` that are not rows yet: a dated one `planned`, one
    /// released by a report `due` if that report is accepted and `awaiting_report` otherwise.
    static func materialize(_ agreement: AgreementModel, through sequence: Int, on db: any Database) async throws {
        guard let plan = plan(of: agreement) else { return }
        let id = try agreement.requireID()
        let stored = try await storedMax(AgreementPaymentModel.schema, agreement: id, on: db)
        let lines = plan.payments.filter { $0.sequence > stored && $0.sequence <= sequence }
        guard !lines.isEmpty else { return }
        let accepted = try await AgreementReportModel.query(on: db).filter(\.$agreement.$id == id).filter(\.$state == "accepted").all()
        let released = Set(accepted.map { $0.isFinal ? "final" : "report:\($0.sequence)" })
        let now = Date()
        let rows = lines.map { line in
            paymentRow(line, agreement: id, organisation: agreement.$organisation.id,
                       state: line.release == "date" ? "planned" : released.contains(line.release) ? "due" : "awaiting_report", at: now)
        }
        try await LiteralRows.insert(into: AgreementPaymentModel.schema, columns: paymentColumns, rows: rows, on: db.sql)
        let last = lines.map(\.sequence).max() ?? sequence
        agreement.nextPlannedOn = plan.nextDated(after: last)?.iso
        try await db.sql.update(AgreementModel.schema).set("next_planned_on", to: SQLBind(agreement.nextPlannedOn))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// The next report of the plan, unless one is still open: at signing, after an amendment, and
    /// after a report is accepted.
    static func openNextReport(_ agreement: AgreementModel, on db: any Database) async throws {
        guard let plan = plan(of: agreement) else { return }
        let id = try agreement.requireID()
        let open = try await AgreementReportModel.query(on: db).filter(\.$agreement.$id == id)
            .filter(\.$state ~~ ["expected", "changes_requested", "submitted"]).count()
        guard open == 0 else { return }
        let stored = try await storedMax(AgreementReportModel.schema, agreement: id, on: db)
        guard let next = plan.reports.first(where: { $0.sequence > stored }) else { return }
        try await LiteralRows.insert(into: AgreementReportModel.schema, columns: reportColumns,
                                     rows: [reportRow(next, agreement: id, organisation: agreement.$organisation.id, at: Date())],
                                     on: db.sql)
    }

    /// The dated payments of the plans that fall due by `day` and are not rows yet, by agreement
    /// (found by the partial index of `next_planned_on`), with the day of the next one after them.
    struct DuePlanned: Sendable {
        var agreement: UUID
        var organisation: UUID
        var lines: [SchedulePlan.Payment]
        var next: String?
    }

    static func duePlanned(on day: CalendarDate, on db: any Database) async throws -> [DuePlanned] {
        let rows = try await db.sql.raw("""
            SELECT a.id, a.organisation_id, a.terms, a.schedule_plan,
              (SELECT MAX(p.sequence) FROM \(unsafeRaw: AgreementPaymentModel.schema) p WHERE p.agreement_id = a.id) AS stored
            FROM \(unsafeRaw: AgreementModel.schema) a
            WHERE a.next_planned_on IS NOT NULL AND a.next_planned_on <= \(bind: day.iso) AND a.state = 'in_force'
            """).all()
        return try rows.compactMap { row in
            guard let plan = plan(state: "in_force", terms: try row.decode(column: "terms", as: String.self),
                                  plan: try row.decode(column: "schedule_plan", as: String?.self)) else { return nil }
            let stored = try row.decode(column: "stored", as: Int?.self) ?? 0
            let all = plan.payments.filter { $0.sequence > stored }
            guard let last = all.last(where: { $0.release == "date" && $0.dueOn <= day }) else { return nil }
            return DuePlanned(agreement: try row.decode(column: "id", as: UUID.self), organisation: try row.decode(column: "organisation_id", as: UUID.self),
                              lines: all.filter { $0.sequence <= last.sequence }, next: plan.nextDated(after: last.sequence)?.iso)
        }
    }

    /// Before a run dated `day`: the dated payments of the plans that fall due by then become rows
    /// (those between them released by a report wait for it), in a few statements.
    static func materializeDue(on day: CalendarDate, on db: any Database) async throws {
        let due = try await duePlanned(on: day, on: db)
        guard !due.isEmpty else { return }
        let sql = db.sql
        let now = Date()
        var rows: [[LiteralRows.Cell]] = []
        for plan in due {
            for line in plan.lines {
                rows.append(paymentRow(line, agreement: plan.agreement, organisation: plan.organisation,
                                       state: line.release == "date" ? "planned" : "awaiting_report", at: now))
            }
        }
        try await LiteralRows.insert(into: AgreementPaymentModel.schema, columns: paymentColumns, rows: rows, on: sql)
        for (next, group) in Dictionary(grouping: due, by: \.next) {
            let ids = group.map(\.agreement)
            for part in stride(from: 0, to: ids.count, by: 500) {
                try await sql.update(AgreementModel.schema).set("next_planned_on", to: SQLBind(next))
                    .where("id", .in, SQLBind.group(Array(ids[part..<min(part + 500, ids.count)]))).run()
            }
        }
    }

    /// An agreement's payments and reports: its rows, then the lines of its plan not written yet
    /// (unsaved: a payment `planned` or `awaiting_report`, a report `planned`).
    static func schedule(of agreement: AgreementModel, on db: any Database) async throws
        -> (payments: [AgreementPaymentModel], reports: [AgreementReportModel]) {
        let id = try agreement.requireID()
        var payments = try await AgreementPaymentModel.query(on: db).filter(\.$agreement.$id == id).sort(\.$sequence).all()
        var reports = try await AgreementReportModel.query(on: db).filter(\.$agreement.$id == id).sort(\.$sequence).all()
        guard let plan = plan(of: agreement) else { return (payments, reports) }
        let storedPayments = payments.last?.sequence ?? 0, storedReports = reports.last?.sequence ?? 0
        for line in plan.payments where line.sequence > storedPayments {
            let payment = AgreementPaymentModel()
            payment.$agreement.id = id
            payment.organisationID = agreement.$organisation.id
            (payment.sequence, payment.kind, payment.dueOn, payment.plannedOn) = (line.sequence, line.kind, line.dueOn.iso, line.dueOn.iso)
            payment.cents = line.cents
            payment.governmentYear = GovernmentFiscalYear(containing: line.dueOn).description
            payment.municipalYear = line.dueOn.year
            payment.release = line.release
            payment.state = line.release == "date" ? "planned" : "awaiting_report"
            payments.append(payment)
        }
        for line in plan.reports where line.sequence > storedReports {
            let report = AgreementReportModel()
            report.version = 0
            report.$agreement.id = id
            report.organisationID = agreement.$organisation.id
            (report.sequence, report.isFinal, report.dueOn, report.state) = (line.sequence, line.isFinal, line.dueOn.iso, "planned")
            (report.answersJSON, report.costsCents, report.note, report.reviewNote) = ("{}", 0, "", "")
            reports.append(report)
        }
        return (payments, reports)
    }

    /// What the plans still to write add to an organisation's payments, by government year.
    static func plannedByYear(of organisationID: UUID, on db: any Database) async throws -> [String: Int64] {
        let rows = try await db.sql.raw("""
            SELECT a.terms, a.schedule_plan,
              (SELECT MAX(p.sequence) FROM \(unsafeRaw: AgreementPaymentModel.schema) p WHERE p.agreement_id = a.id) AS stored
            FROM \(unsafeRaw: AgreementModel.schema) a
            WHERE a.organisation_id = \(bind: organisationID) AND a.state = 'in_force' AND (a.schedule_plan IS NULL OR a.schedule_plan <> '')
            """).all()
        var byYear: [String: Int64] = [:]
        for row in rows {
            guard let plan = plan(state: "in_force", terms: try row.decode(column: "terms", as: String.self),
                                  plan: try row.decode(column: "schedule_plan", as: String?.self)) else { continue }
            let stored = try row.decode(column: "stored", as: Int?.self) ?? 0
            for line in plan.payments where line.sequence > stored {
                byYear[GovernmentFiscalYear(containing: line.dueOn).description, default: 0] += line.cents
            }
        }
        return byYear
    }
}
