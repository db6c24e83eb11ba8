import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Agreements, their schedules, commitments and reports (PAMAM 5.2 and 5.3). Every change runs in
/// one transaction with its journal events, and takes the version it read.
enum Agreements {
    enum Refusal: Error, Equatable {
        case stale(current: Int)
        case notApproved
        case exists(number: String)
        case terms([String])
        case notASigner
        case alreadySigned
        case notInForce
        case reasonRequired
        case belowPaid(paidCents: Int64)
        case wrongState
        case overBalance(owedCents: Int64, askedCents: Int64)
        case limitTooLow(limitCents: Int64)
        case sameApprover
    }

    static func nextNumber(year: Int, on db: any Database) async throws -> String {
        "CA-\(year)-" + String(format: "%06d", try await Writes.next(AgreementCounterModel.schema, key: year * 10 + 1, on: db))
    }

    static func nextRunNumber(year: Int, on db: any Database) async throws -> String {
        "LP-\(year)-" + String(format: "%04d", try await Writes.next(AgreementCounterModel.schema, key: year * 10 + 2, on: db))
    }

    static func json(_ terms: ScheduleTerms) -> String { GrantProgramModel.json(terms) }

    static func insert(_ agreement: AgreementModel, as caller: Caller, on db: any Database) async throws {
        agreement.version = 1
        agreement.state = "awaiting_signatures"
        agreement.revision = 0
        agreement.paidCents = 0
        agreement.inRunCents = 0
        try await agreement.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.create", recordType: "agreement",
                               recordID: agreement.number, changes: [
                                   "kind": .init(before: nil, after: agreement.kind),
                                   "amount_cents": .init(before: nil, after: String(agreement.amountCents)),
                                   "terms": .init(before: nil, after: agreement.termsJSON),
                                   "application": .init(before: nil, after: agreement.application?.number),
                               ])
    }

    /// The agreement of an approved application: the amount decided, the terms proposed.
    static func create(from application: GrantApplicationModel, terms: ScheduleTerms, conditions: String, as caller: Caller,
                       on db: any Database) async throws -> AgreementModel {
        guard application.phase == "approved",
              let decision = try await GrantDecisionModel.query(on: db).filter(\.$application.$id == application.requireID())
                .filter(\.$kind == "approve").filter(\.$state == "final").first() else { throw Refusal.notApproved }
        if let existing = try await AgreementModel.query(on: db).filter(\.$application.$id == application.requireID()).first() {
            throw Refusal.exists(number: existing.number)
        }
        var terms = terms
        terms.totalCents = decision.amountCents
        guard terms.problems.isEmpty else { throw Refusal.terms(terms.problems) }
        let agreement = AgreementModel()
        agreement.id = UUID.timeOrdered()
        agreement.number = try await nextNumber(year: caller.application.today.year, on: db)
        agreement.kind = "convention"
        agreement.$application.id = try application.requireID()
        agreement.$application.value = application
        agreement.$program.id = application.$program.id
        agreement.$organisation.id = application.$organisation.id
        agreement.title = application.title
        agreement.conditions = conditions
        agreement.amountCents = decision.amountCents
        agreement.termsJSON = json(terms)
        agreement.language = application.language
        try await insert(agreement, as: caller, on: db)
        return agreement
    }

    /// A framework agreement, on its own.
    static func createFramework(organisation: OrganisationModel, program: GrantProgramModel?, title: String, terms: ScheduleTerms,
                                conditions: String, as caller: Caller, on db: any Database) async throws -> AgreementModel {
        guard terms.problems.isEmpty else { throw Refusal.terms(terms.problems) }
        let agreement = AgreementModel()
        agreement.id = UUID.timeOrdered()
        agreement.number = try await nextNumber(year: caller.application.today.year, on: db)
        agreement.kind = "protocole"
        agreement.$program.id = program?.id
        agreement.$organisation.id = try organisation.requireID()
        agreement.title = title
        agreement.conditions = conditions
        agreement.amountCents = terms.totalCents
        agreement.termsJSON = json(terms)
        agreement.language = Language.frCA.rawValue
        try await insert(agreement, as: caller, on: db)
        return agreement
    }

    enum Side: String { case ministry, municipality }

    /// Which side this person signs for: the ministry's program managers, managers and
    /// administrators; the municipality's RSÉ and those who act for it in financial aid — its own
    /// people, not a mandataire.
    static func side(of caller: Caller, for agreement: AgreementModel) -> Side? {
        let memberships = caller.accessActor.memberships
        if memberships.contains(where: { [.programManager, .manager, .administrator].contains($0.role) }) { return .ministry }
        let own = memberships.filter { $0.organisationID == agreement.$organisation.id }.map(\.role)
        if own.contains(.rse) || own.contains(.contributor(.grants)) || own.contains(.accessManager(.grants)) { return .municipality }
        return nil
    }

    /// Records a side's signature; with both, the agreement is in force from that day, its schedule
    /// planned from it and its first report opened.
    static func sign(_ agreement: AgreementModel, version: Int, as caller: Caller, on db: any Database) async throws {
        guard version == agreement.version else { throw Refusal.stale(current: agreement.version) }
        guard agreement.state == "awaiting_signatures" else { throw Refusal.wrongState }
        guard let side = side(of: caller, for: agreement), let user = caller.currentUser else { throw Refusal.notASigner }
        let now = caller.application.now
        switch side {
        case .ministry:
            guard agreement.ministrySignedAt == nil else { throw Refusal.alreadySigned }
            agreement.ministrySignedBy = user.displayName
            agreement.ministrySignedAt = now
        case .municipality:
            guard agreement.municipalitySignedAt == nil else { throw Refusal.alreadySigned }
            agreement.municipalitySignedBy = user.displayName
            agreement.municipalitySignedAt = now
        }
        var changes: [String: AuditChange] = ["signature": .init(before: nil, after: "\(side.rawValue): \(user.displayName)")]
        if agreement.ministrySignedAt != nil && agreement.municipalitySignedAt != nil {
            guard var terms = agreement.terms else { throw Refusal.terms(["agreements.error.amount"]) }
            terms.start = caller.application.today
            agreement.termsJSON = json(terms)
            agreement.state = "in_force"
            changes["state"] = .init(before: "awaiting_signatures", after: "in_force")
            changes["start"] = .init(before: nil, after: terms.start.iso)
            try await startSchedule(agreement, plan: SchedulePlan(terms: terms, firstSequence: 1, reportBase: 0), on: db)
            try await recordRevision(agreement, reason: "", as: caller, on: db)
        }
        try await save(agreement, version: version, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.sign", recordType: "agreement",
                               recordID: agreement.number, changes: changes)
    }

    /// Saves an agreement taken with its version.
    static func save(_ agreement: AgreementModel, version: Int, on db: any Database) async throws {
        let updated = try await db.sql.update(AgreementModel.schema)
            .set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(Date()))
            .set("title", to: SQLBind(agreement.title)).set("conditions", to: SQLBind(agreement.conditions))
            .set("amount_cents", to: SQLBind(agreement.amountCents)).set("terms", to: SQLBind(agreement.termsJSON))
            .set("state", to: SQLBind(agreement.state)).set("revision", to: SQLBind(agreement.revision))
            .set("ministry_signed_by", to: SQLBind(agreement.ministrySignedBy)).set("ministry_signed_at", to: SQLBind(agreement.ministrySignedAt))
            .set("municipality_signed_by", to: SQLBind(agreement.municipalitySignedBy))
            .set("municipality_signed_at", to: SQLBind(agreement.municipalitySignedAt))
            .set("schedule_plan", to: SQLBind(agreement.schedulePlanJSON))
            .where("id", .equal, SQLBind(try agreement.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        agreement.version = version + 1
    }

    static func recordRevision(_ agreement: AgreementModel, reason: String, as caller: Caller, on db: any Database) async throws {
        let revision = AgreementRevisionModel()
        revision.$agreement.id = try agreement.requireID()
        revision.revision = agreement.revision
        revision.title = agreement.title
        revision.conditions = agreement.conditions
        revision.amountCents = agreement.amountCents
        revision.termsJSON = agreement.termsJSON
        revision.reason = reason
        revision.authorName = caller.currentUser?.displayName ?? ""
        try await revision.create(on: db)
    }

    /// The days reports are due: before each milestone's payment (30 days before it), and the
    /// final one on the term's end.
    static func reportDates(_ lines: [ScheduledPayment], terms: ScheduleTerms) -> [(sequence: Int, final: Bool, due: CalendarDate)] {
        var reports: [(Int, Bool, CalendarDate)] = []
        for line in lines {
            if case .report(let n) = line.release { reports.append((n, false, line.dueOn.adding(days: -30))) }
        }
        reports.append((reports.count + 1, true, terms.end))
        return reports
    }

    static let paymentColumns = ["id", "created_at", "agreement_id", "organisation_id", "sequence", "kind", "due_on", "planned_on", "cents",
                                 "government_year", "municipal_year", "release", "state", "run_id", "paid_on"]
    static let reportColumns = ["id", "created_at", "version", "agreement_id", "organisation_id", "sequence", "final", "due_on", "state",
                                "answers", "costs_cents", "note", "review_note"]

    /// An amendment: a new revision with its reason. The amount cannot fall below what is paid or
    /// held by a run; the payments not yet made and the reports not yet submitted are replaced by
    /// the schedule of what remains, from the amendment's day to the new end.
    static func amend(_ agreement: AgreementModel, amountCents: Int64, months: Int, instalments: Int, holdbackBasisPoints: Int,
                      conditions: String, reason: String, version: Int, as caller: Caller, on db: any Database) async throws {
        guard version == agreement.version else { throw Refusal.stale(current: agreement.version) }
        guard agreement.state == "in_force" else { throw Refusal.notInForce }
        guard !reason.isEmpty else { throw Refusal.reasonRequired }
        guard var terms = agreement.terms else { throw Refusal.wrongState }
        let id = try agreement.requireID()
        let kept = try await AgreementPaymentModel.query(on: db).filter(\.$agreement.$id == id)
            .filter(\.$state ~~ ["in_run", "paid"]).all()
        let spent = kept.reduce(Int64(0)) { $0 + $1.cents }
        guard amountCents >= spent else { throw Refusal.belowPaid(paidCents: spent) }
        let today = caller.application.today
        var remaining = terms
        remaining.totalCents = amountCents - spent
        remaining.start = today
        remaining.months = max(1, months - monthsBetween(terms.start, today))
        remaining.instalments = instalments
        remaining.holdbackBasisPoints = holdbackBasisPoints
        if remaining.totalCents > 0 { guard remaining.problems.isEmpty else { throw Refusal.terms(remaining.problems) } }
        let before = (agreement.amountCents, agreement.termsJSON, agreement.conditions)
        try await AgreementPaymentModel.query(on: db).filter(\.$agreement.$id == id)
            .filter(\.$state ~~ ["planned", "awaiting_report", "due", "failed"]).delete()
        try await AgreementReportModel.query(on: db).filter(\.$agreement.$id == id).filter(\.$state ~~ ["expected", "changes_requested"]).delete()
        // What remains is planned from the next payment, after the reports kept; it becomes rows as
        // the first schedule does.
        if remaining.totalCents > 0 {
            let reportBase = try await AgreementReportModel.query(on: db).filter(\.$agreement.$id == id).max(\.$sequence) ?? 0
            let plan = SchedulePlan(terms: remaining, firstSequence: (kept.map(\.sequence).max() ?? 0) + 1, reportBase: reportBase)
            agreement.schedulePlanJSON = json(plan)
            try await startSchedule(agreement, plan: plan, on: db)
        } else {
            agreement.schedulePlanJSON = ""
            agreement.nextPlannedOn = nil
            try await db.sql.update(AgreementModel.schema).set("next_planned_on", to: SQLBind(String?.none))
                .where("id", .equal, SQLBind(id)).run()
        }
        terms.totalCents = amountCents
        terms.months = months
        terms.instalments = instalments
        terms.holdbackBasisPoints = holdbackBasisPoints
        agreement.amountCents = amountCents
        agreement.termsJSON = json(terms)
        agreement.conditions = conditions
        agreement.revision += 1
        try await save(agreement, version: version, on: db)
        try await recordRevision(agreement, reason: reason, as: caller, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.amend", recordType: "agreement",
                               recordID: agreement.number, changes: [
                                   "revision": .init(before: String(agreement.revision - 1), after: String(agreement.revision)),
                                   "amount_cents": .init(before: String(before.0), after: String(amountCents)),
                                   "terms": .init(before: before.1, after: agreement.termsJSON),
                                   "conditions": .init(before: before.2, after: conditions),
                                   "reason": .init(before: nil, after: reason),
                               ])
    }

    static func monthsBetween(_ a: CalendarDate, _ b: CalendarDate) -> Int {
        max(0, (b.year - a.year) * 12 + (b.month - a.month) - (b.day < a.day ? 1 : 0))
    }

    /// A payment that slips to another day: its government year follows (the commitment carries
    /// over to the next year); the day first planned is kept. A payment of the plan becomes a row.
    static func carryOver(sequence: Int, to day: CalendarDate, reason: String, agreement: AgreementModel,
                          as caller: Caller, on db: any Database) async throws {
        guard !reason.isEmpty else { throw Refusal.reasonRequired }
        try await materialize(agreement, through: sequence, on: db)
        guard let payment = try await AgreementPaymentModel.query(on: db).filter(\.$agreement.$id == agreement.requireID())
            .filter(\.$sequence == sequence).first() else { throw Refusal.wrongState }
        guard ["planned", "awaiting_report", "due", "failed"].contains(payment.state) else { throw Refusal.wrongState }
        let before = (payment.dueOn, payment.governmentYear)
        payment.dueOn = day.iso
        payment.governmentYear = GovernmentFiscalYear(containing: day).description
        payment.municipalYear = day.year
        try await payment.save(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.payment.carry_over", recordType: "agreement",
                               recordID: agreement.number, changes: [
                                   "payment": .init(before: nil, after: String(payment.sequence)),
                                   "due_on": .init(before: before.0, after: payment.dueOn),
                                   "government_year": .init(before: before.1, after: payment.governmentYear),
                                   "reason": .init(before: nil, after: reason),
                               ])
    }

    // MARK: reports

    /// The municipality submits a report (the program's indicators, the costs incurred, a note).
    static func submit(_ report: AgreementReportModel, answers: [String: [String]], costsCents: Int64, note: String, version: Int,
                       agreement: AgreementModel, as caller: Caller, on db: any Database) async throws {
        guard version == report.version else { throw Refusal.stale(current: report.version) }
        guard ["expected", "changes_requested"].contains(report.state), agreement.state == "in_force" else { throw Refusal.wrongState }
        guard side(of: caller, for: agreement) == .municipality || caller.accessActor.mandates
            .contains(where: { $0.municipalityID == agreement.$organisation.id && $0.services.contains(.grants) }) else { throw Refusal.notASigner }
        report.answersJSON = GrantProgramModel.json(answers)
        report.costsCents = costsCents
        report.note = note
        report.state = "submitted"
        report.submittedAt = caller.application.now
        report.submittedBy = caller.currentUser?.displayName
        try await saveReport(report, version: version, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "agreements.report.submit", recordType: "agreement",
                               recordID: agreement.number, changes: [
                                   "report": .init(before: nil, after: String(report.sequence)),
                                   "costs_cents": .init(before: nil, after: String(costsCents)),
                                   "answers": .init(before: nil, after: report.answersJSON),
                               ])
    }

    /// The ministry accepts a report (which releases the payment that waits for it, or the holdback
    /// for the final one) or sends it back with what to change.
    static func review(_ report: AgreementReportModel, accept: Bool, note: String, version: Int, agreement: AgreementModel,
                       as caller: Caller, on db: any Database) async throws {
        guard version == report.version else { throw Refusal.stale(current: report.version) }
        guard report.state == "submitted" else { throw Refusal.wrongState }
        guard side(of: caller, for: agreement) == .ministry else { throw Refusal.notASigner }
        if !accept && note.isEmpty { throw Refusal.reasonRequired }
        report.state = accept ? "accepted" : "changes_requested"
        report.reviewNote = note
        report.reviewedAt = caller.application.now
        report.reviewedBy = caller.currentUser?.displayName
        let release = report.isFinal ? "final" : "report:\(report.sequence)"
        // The payment this report releases becomes a row (with those of the plan before it).
        if accept, let line = plan(of: agreement)?.payments.first(where: { $0.release == release }) {
            try await materialize(agreement, through: line.sequence, on: db)
        }
        try await saveReport(report, version: version, on: db)
        var released: [Int] = []
        if accept {
            let rows = try await db.sql.update(AgreementPaymentModel.schema).set("state", to: SQLBind("due"))
                .where("agreement_id", .equal, SQLBind(try agreement.requireID())).where("release", .equal, SQLBind(release))
                .where("state", .equal, SQLBind("awaiting_report")).returning("sequence").all()
            released = try rows.map { try $0.decode(column: "sequence", as: Int.self) }
            try await openNextReport(agreement, on: db)
        }
        try await Audit.record(on: db, actor: caller.auditActor, action: accept ? "agreements.report.accept" : "agreements.report.send_back",
                               recordType: "agreement", recordID: agreement.number, changes: [
                                   "report": .init(before: nil, after: String(report.sequence)),
                                   "note": .init(before: nil, after: note),
                                   "released_payments": .init(before: nil, after: released.map(String.init).joined(separator: " ")),
                               ])
    }

    static func saveReport(_ report: AgreementReportModel, version: Int, on db: any Database) async throws {
        let updated = try await db.sql.update(AgreementReportModel.schema)
            .set("version", to: SQLBind(version + 1)).set("state", to: SQLBind(report.state))
            .set("answers", to: SQLBind(report.answersJSON)).set("costs_cents", to: SQLBind(report.costsCents))
            .set("note", to: SQLBind(report.note)).set("submitted_at", to: SQLBind(report.submittedAt))
            .set("submitted_by", to: SQLBind(report.submittedBy)).set("reviewed_at", to: SQLBind(report.reviewedAt))
            .set("reviewed_by", to: SQLBind(report.reviewedBy)).set("review_note", to: SQLBind(report.reviewNote))
            .where("id", .equal, SQLBind(try report.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        report.version = version + 1
    }
}
