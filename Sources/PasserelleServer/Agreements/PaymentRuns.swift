import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Payment runs: what is due on a day, taken in a few statements whatever their number; each
/// agreement's balance checked in the same transaction, so that no payment ever exceeds what the
/// agreement still owes, also when two runs are prepared at the same moment.
extension Agreements {
    /// The states a payment can be taken from by a run dated `day`: due (its report accepted),
    /// failed (to pay again), or planned on a date that has come.
    static let payableStates = ["due", "failed"]

    struct Prepared: Sendable {
        var run: PaymentRunModel
        /// Payments left out because their agreement does not owe enough, by agreement number.
        var refused: [(agreement: String, cents: Int64, owed: Int64)]
    }

    static func prepareRun(on day: CalendarDate, as caller: Caller, on db: any Database) async throws -> Prepared {
        let sql = db.sql
        let run = PaymentRunModel()
        run.id = UUID()
        run.version = 1
        run.number = try await nextRunNumber(year: caller.application.today.year, on: db)
        run.runOn = day.iso
        run.state = "prepared"
        run.count = 0
        run.totalCents = 0
        run.preparedBy = caller.currentUser?.displayName ?? ""
        try await run.create(on: db)
        let runID = try run.requireID()
        // The payments of the plans that fall due by then become rows first.
        try await materializeDue(on: day, on: db)
        // Every payable payment of an agreement in force, in one statement.
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementPaymentModel.schema) SET state = 'in_run', run_id = \(bind: runID)
            WHERE (state IN ('due', 'failed') OR (state = 'planned' AND due_on <= \(bind: day.iso)))
              AND agreement_id IN (SELECT id FROM \(unsafeRaw: AgreementModel.schema) WHERE state = 'in_force')
            """).run()
        // Each agreement holds what the run takes of it…
        // (One grouped read of the run joined to the agreements: a subquery per agreement would read
        // the whole run for each.)
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementModel.schema) SET in_run_cents = in_run_cents + t.taken
            FROM (SELECT agreement_id, CAST(SUM(cents) AS BIGINT) AS taken FROM \(unsafeRaw: AgreementPaymentModel.schema)
                  WHERE run_id = \(bind: runID) GROUP BY agreement_id) AS t
            WHERE \(unsafeRaw: AgreementModel.schema).id = t.agreement_id
            """).run()
        // …unless it then holds more than it owes: those payments are left out, and said.
        let over = try await sql.raw("""
            SELECT a.id, a.number, a.amount_cents, a.paid_cents, a.in_run_cents, t.taken
            FROM \(unsafeRaw: AgreementModel.schema) a
            JOIN (SELECT agreement_id, CAST(SUM(cents) AS BIGINT) AS taken FROM \(unsafeRaw: AgreementPaymentModel.schema)
                  WHERE run_id = \(bind: runID) GROUP BY agreement_id) AS t ON t.agreement_id = a.id
            WHERE a.paid_cents + a.in_run_cents > a.amount_cents
            """).all()
        var refused: [(String, Int64, Int64)] = []
        for row in over {
            let id = try row.decode(column: "id", as: UUID.self)
            let taken = try row.decode(column: "taken", as: Int64.self)
            // What it owed before this run; the run keeps its payments in order while they fit.
            let owed = try row.decode(column: "amount_cents", as: Int64.self) - row.decode(column: "paid_cents", as: Int64.self)
                - (try row.decode(column: "in_run_cents", as: Int64.self) - taken)
            var kept: Int64 = 0
            var released: [UUID] = []
            for payment in try await AgreementPaymentModel.query(on: db).filter(\.$runID == runID).filter(\.$agreement.$id == id)
                .sort(\.$sequence).all() {
                if kept + payment.cents <= owed { kept += payment.cents } else { released.append(try payment.requireID()) }
            }
            let releasedCents = taken - kept
            try await sql.update(AgreementModel.schema).set(SQLIdentifier("in_run_cents"), to: SQLRaw("in_run_cents - \(releasedCents)"))
                .where("id", .equal, SQLBind(id)).run()
            // Back to where they were: a payment of a date waits for it again; one released by a report stays due.
            try await sql.update(AgreementPaymentModel.schema)
                .set(SQLIdentifier("state"), to: SQLRaw("CASE WHEN release = 'date' THEN 'planned' ELSE 'due' END"))
                .set("run_id", to: SQLBind(UUID?.none)).where("id", .in, SQLBind.group(released)).run()
            let number = try row.decode(column: "number", as: String.self)
            refused.append((number, releasedCents, owed - kept))
            try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.payment.refuse", recordType: "payment_run",
                                   recordID: run.number, changes: ["agreement": .init(before: nil, after: number),
                                                                   "asked_cents": .init(before: nil, after: String(releasedCents)),
                                                                   "owed_cents": .init(before: nil, after: String(owed - kept))])
        }
        let totals = try await sql.select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .column(SQLAlias(SQLRaw("CAST(COALESCE(SUM(cents), 0) AS BIGINT)"), as: SQLIdentifier("total")))
            .from(AgreementPaymentModel.schema).where("run_id", .equal, SQLBind(runID)).first()
        run.count = try totals?.decode(column: "n", as: Int.self) ?? 0
        run.totalCents = try totals?.decode(column: "total", as: Int64.self) ?? 0
        try await sql.update(PaymentRunModel.schema).set("count", to: SQLBind(run.count)).set("total_cents", to: SQLBind(run.totalCents))
            .where("id", .equal, SQLBind(runID)).run()
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.run.prepare", recordType: "payment_run",
                               recordID: run.number, changes: [
                                   "run_on": .init(before: nil, after: run.runOn),
                                   "count": .init(before: nil, after: String(run.count)),
                                   "total_cents": .init(before: nil, after: String(run.totalCents)),
                                   "refused": .init(before: nil, after: refused.isEmpty ? nil : refused.map(\.0).joined(separator: " ")),
                               ])
        return Prepared(run: run, refused: refused)
    }

    static func saveRun(_ run: PaymentRunModel, version: Int, on db: any Database) async throws {
        let updated = try await db.sql.update(PaymentRunModel.schema)
            .set("version", to: SQLBind(version + 1)).set("state", to: SQLBind(run.state))
            .set("approved_by_id", to: SQLBind(run.approvedByID)).set("approved_by", to: SQLBind(run.approvedBy))
            .set("second_by", to: SQLBind(run.secondBy))
            .where("id", .equal, SQLBind(try run.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        run.version = version + 1
    }

    /// A finance officer approves a run within their spending authority; above it the run waits
    /// for a second officer (another person) whose limit covers its total.
    static func approveRun(_ run: PaymentRunModel, version: Int, as caller: Caller, on db: any Database) async throws {
        guard version == run.version else { throw Refusal.stale(current: run.version) }
        guard let user = caller.currentUser else { throw Refusal.notASigner }
        let limit = SpendingAuthority.limit(of: caller.accessActor.memberships.map(\.role))
        guard limit > 0 else { throw Refusal.notASigner }
        let before = run.state
        switch run.state {
        case "prepared":
            run.approvedByID = user.personID
            run.approvedBy = user.displayName
            run.state = SpendingAuthority.needsSecondApproval(amountCents: run.totalCents, limitCents: limit) ? "pending_approval" : "approved"
        case "pending_approval":
            guard run.approvedByID != user.personID else { throw Refusal.sameApprover }
            guard SpendingAuthority.mayGiveSecondApproval(amountCents: run.totalCents, limitCents: limit) else {
                throw Refusal.limitTooLow(limitCents: limit)
            }
            run.secondBy = user.displayName
            run.state = "approved"
        default:
            throw Refusal.wrongState
        }
        try await saveRun(run, version: version, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.run.approve", recordType: "payment_run",
                               recordID: run.number, changes: [
                                   "state": .init(before: before, after: run.state),
                                   "total_cents": .init(before: nil, after: String(run.totalCents)),
                                   "spending_limit_cents": .init(before: nil, after: String(limit)),
                               ])
    }

    /// Confirms an approved run: every payment paid, except those named failed (to pay in a later
    /// run) or cancelled (not to be paid). An agreement fully paid whose final report is accepted closes.
    static func confirmRun(_ run: PaymentRunModel, failed: Set<UUID>, cancelled: Set<UUID>, version: Int, as caller: Caller,
                           on db: any Database) async throws {
        guard version == run.version else { throw Refusal.stale(current: run.version) }
        guard run.state == "approved" else { throw Refusal.wrongState }
        let sql = db.sql
        let runID = try run.requireID()
        let today = caller.application.today.iso
        for (ids, state) in [(failed, "failed"), (cancelled, "cancelled")] where !ids.isEmpty {
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(Array(ids)[$0..<min($0 + 500, ids.count)]) }) {
                try await sql.update(AgreementPaymentModel.schema).set("state", to: SQLBind(state))
                    .where("run_id", .equal, SQLBind(runID)).where("id", .in, SQLBind.group(chunk)).run()
            }
        }
        try await sql.update(AgreementPaymentModel.schema).set("state", to: SQLBind("paid")).set("paid_on", to: SQLBind(today))
            .where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("in_run")).run()
        // The agreements release what the run held and count what it paid.
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementModel.schema) SET in_run_cents = in_run_cents - t.held, paid_cents = paid_cents + t.paid
            FROM (SELECT agreement_id, CAST(SUM(cents) AS BIGINT) AS held,
                    CAST(SUM(CASE WHEN state = 'paid' THEN cents ELSE 0 END) AS BIGINT) AS paid
                  FROM \(unsafeRaw: AgreementPaymentModel.schema) WHERE run_id = \(bind: runID) GROUP BY agreement_id) AS t
            WHERE \(unsafeRaw: AgreementModel.schema).id = t.agreement_id
            """).run()
        // Failed payments leave the run, to be taken by a later one.
        try await sql.update(AgreementPaymentModel.schema).set("run_id", to: SQLBind(UUID?.none))
            .where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("failed")).run()
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementModel.schema) SET state = 'closed'
            WHERE state = 'in_force' AND paid_cents >= amount_cents
              AND id IN (SELECT agreement_id FROM \(unsafeRaw: AgreementPaymentModel.schema) WHERE run_id = \(bind: runID))
              AND NOT EXISTS (SELECT 1 FROM \(unsafeRaw: AgreementReportModel.schema) r
                              WHERE r.agreement_id = \(unsafeRaw: AgreementModel.schema).id AND r.state <> 'accepted')
              AND (schedule_plan = '' OR EXISTS (SELECT 1 FROM \(unsafeRaw: AgreementReportModel.schema) r
                                                 WHERE r.agreement_id = \(unsafeRaw: AgreementModel.schema).id AND r."final" = TRUE))
            """).run()
        run.state = "closed"
        try await saveRun(run, version: version, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.run.confirm", recordType: "payment_run",
                               recordID: run.number, changes: [
                                   "failed": .init(before: nil, after: String(failed.count)),
                                   "cancelled": .init(before: nil, after: String(cancelled.count)),
                               ])
    }
}
