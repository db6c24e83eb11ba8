import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

extension Application {
    private struct NowKey: StorageKey { typealias Value = Date }

    /// The instant calls open and close by: the server's clock, unless a test sets it.
    var now: Date {
        get { storage[NowKey.self] ?? Date() }
        set { storage[NowKey.self] = newValue }
    }
}

/// Financial aid (SGAF): applying, screening, evaluating, ranking and deciding. Every change is
/// journaled in its transaction; money moves in envelopes by statements that refuse to overdraw.
enum Grants {
    /// Why a change is refused, with what the caller needs to say it.
    enum Refusal: Error, Equatable {
        case stale(current: Int)
        case transition(GrantWorkflow.Refusal)
        case notAParty
        case callClosed
        /// Would overdraw the envelope: what remains and what was asked.
        case overdraw(remaining: Int64, asked: Int64)
        case amountAboveRequested(requested: Int64)
        case amountAboveCeiling(ceiling: Int64)
        case amountNotPositive
        case reasonsRequired
        case sameApprover
        case limitTooLow(limit: Int64)
        case conflict
        case notAnEvaluator
        case noEnvelope
    }

    /// The next number of the year, `AF-2026-000123`.
    static func nextNumber(year: Int, on db: any Database) async throws -> String {
        let last = try await Writes.next(GrantCounterModel.schema, key: year, on: db)
        return "AF-\(year)-" + String(format: "%06d", last)
    }

    static func facts(_ organisation: OrganisationModel, territory: TerritoryDirectory) -> ApplicantFacts {
        ApplicantFacts(name: organisation.name, kind: organisation.kind, region: OrganisationQueries.region(of: organisation, in: territory))
    }

    /// What the signed-in person is for an application: its applicant (a member of the body or of
    /// a co-applicant with the grants service, or a mandataire in force), or a ministry role.
    static func actors(_ caller: Caller, for application: GrantApplicationModel, parties: [UUID] = []) -> Set<GrantWorkflow.Actor> {
        let actor = caller.accessActor
        var result = Set<GrantWorkflow.Actor>()
        for membership in actor.memberships {
            switch membership.role {
            case .administrator: result.formUnion([.programManager, .financeOfficer])
            case .programManager: result.insert(.programManager)
            case .financeOfficer: result.insert(.financeOfficer)
            case .evaluator: result.insert(.evaluator)
            default: break
            }
        }
        if !actor.isMinistry {
            for owner in [application.$organisation.id] + parties
            where caller.allows(.update, Resource(service: .grants, ownerID: owner)) {
                result.insert(.applicant)
            }
        }
        return result
    }

    /// What the form gives, checked: the budget computed, the answers canonical.
    struct Draft: Sendable {
        var title: String
        var summary: String
        var answers: [String: [String]]
        var budget: GrantBudget
        var coApplicants: [OrganisationModel]
    }

    /// Checks the application's own data (not its eligibility): title, summary, the program's
    /// questions, the budget lines, the amount asked against the program's terms. Errors are
    /// (field, catalog key, arguments).
    static func check(title: String, summary: String, answers: [String: [String]], costs: [(String, String)],
                      funding: [(String, String, Bool)], requested: String, program: GrantProgramModel,
                      coApplicants: [OrganisationModel], files: Set<String> = [])
        -> (Draft?, [(field: String, key: String, arguments: [String: String])]) {
        var errors: [(field: String, key: String, arguments: [String: String])] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 200 { errors.append(("title", "grants.error.title", [:])) }
        let summary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        if summary.isEmpty || summary.count > 20_000 { errors.append(("summary", "grants.error.summary", [:])) }
        let checked = RequestFieldCheck.check(program.fields, answers: answers, files: files)
        for failure in checked.failures { errors.append(("champ_\(failure.field)", failure.key, [:])) }
        var budget = GrantBudget()
        for (index, line) in costs.enumerated() {
            let label = line.0.trimmingCharacters(in: .whitespacesAndNewlines)
            let amount = line.1.trimmingCharacters(in: .whitespaces)
            if label.isEmpty && amount.isEmpty { continue }
            guard let money = Money(parsing: amount), money.cents > 0, !label.isEmpty, label.count <= 200 else {
                errors.append(("cout_\(index)", "grants.error.cost_line", ["line": String(index + 1)]))
                continue
            }
            budget.costs.append(BudgetLine(label: label, cents: money.cents))
        }
        if budget.costs.isEmpty && !errors.contains(where: { $0.field.hasPrefix("cout_") }) {
            errors.append(("cout_0", "grants.error.costs", [:]))
        }
        for (index, line) in funding.enumerated() {
            let label = line.0.trimmingCharacters(in: .whitespacesAndNewlines)
            let amount = line.1.trimmingCharacters(in: .whitespaces)
            if label.isEmpty && amount.isEmpty { continue }
            guard let money = Money(parsing: amount), money.cents > 0, !label.isEmpty, label.count <= 200 else {
                errors.append(("financement_\(index)", "grants.error.funding_line", ["line": String(index + 1)]))
                continue
            }
            budget.funding.append(BudgetLine(label: label, cents: money.cents, isPublic: line.2))
        }
        let maximum = budget.maximum(program.terms)
        let requestedText = requested.trimmingCharacters(in: .whitespaces)
        if requestedText.isEmpty {
            budget.requestedCents = maximum.cents
        } else if let money = Money(parsing: requestedText), money.cents > 0 {
            if money.cents > program.terms.ceilingCents {
                errors.append(("requested", "grants.error.above_ceiling", ["ceiling": String(program.terms.ceilingCents)]))
            } else if money.cents > maximum.cents {
                errors.append(("requested", "grants.error.above_maximum", ["maximum": String(maximum.cents)]))
            }
            budget.requestedCents = money.cents
        } else {
            errors.append(("requested", "grants.error.requested", [:]))
        }
        guard errors.isEmpty else { return (nil, errors) }
        return (Draft(title: title, summary: summary, answers: checked.answers, budget: budget, coApplicants: coApplicants), [])
    }

    static func searchable(_ application: GrantApplicationModel, organisation: String) -> String {
        Requests.searchable([application.number, application.title, application.summary, organisation])
    }

    /// Makes a draft (phase `draft`, numbered) for the organisation — or, with `submitting` (the
    /// documents it has), submits it in the same change: the call must be open and the screening
    /// decides its phase. Nothing reads the new rows back in this change: they are written with
    /// the batch's others at the commit (`Writes.insert`), the application first.
    static func createDraft(_ draft: Draft, program: GrantProgramModel, call: GrantCallModel?, for organisation: OrganisationModel,
                            submitting documents: Set<String>? = nil, as caller: Caller,
                            on db: any Database) async throws -> GrantApplicationModel {
        guard let user = caller.currentUser else { throw SignInRequired() }
        let now = caller.application.now
        let model = GrantApplicationModel()
        let id = UUID()
        model.id = id
        model.number = try await nextNumber(year: CalendarDate(now, timeZone: CalendarDate.quebecTimeZone).year, on: db)
        model.$program.id = try program.requireID()
        model.$call.id = try call?.requireID()
        model.$organisation.id = try organisation.requireID()
        model.$applicant.id = user.personID
        model.viaMandate = !caller.accessActor.memberships.contains { $0.organisationID == organisation.id }
        model.language = caller.language.rawValue
        model.phase = program.workflow.initial
        model.workflowVersion = program.workflow.version
        apply(draft, to: model)
        model.searchText = searchable(model, organisation: organisation.name)
        model.version = 1
        model.createdAt = now
        model.updatedAt = now
        var screened: (submitted: String, phase: String, failures: [Eligibility.Failure])?
        if let documents {
            if let call, !call.isOpen(at: now) { throw Refusal.callClosed }
            let workflow = program.workflow
            guard case .success(let submitted) = workflow.next(from: model.phase, on: "submit", by: .applicant) else {
                throw Refusal.transition(.notFromPhase)
            }
            let failures = screen(model, program: program, organisation: organisation, parties: draft.coApplicants, documents: documents,
                                  territory: caller.application.territory.current)
            guard case .success(let phase) = workflow.next(from: submitted, on: failures.isEmpty ? "screen_pass" : "screen_fail", by: .system)
            else { throw Refusal.transition(.notFromPhase) }
            screened = (submitted, phase, failures)
            model.phase = phase
            model.screening = failures.map { GrantApplicationModel.StoredFailure(rule: $0.rule, key: $0.key, arguments: $0.arguments) }
            model.submittedAt = now
        }
        try await Writes.insert(into: GrantApplicationModel.schema, columns: [
            "id", "created_at", "updated_at", "version", "number", "program_id", "call_id", "organisation_id", "applicant_id",
            "via_mandate", "language", "phase", "workflow_version", "title", "summary", "answers", "budget", "eligible_cents",
            "requested_cents", "screening", "score", "score_parts", "submitted_at", "reopened", "changes_note", "search_text",
        ], values: [
            SQLBind(id), SQLBind(now), SQLBind(now), SQLBind(1), SQLBind(model.number), SQLBind(model.$program.id), SQLBind(model.$call.id),
            SQLBind(model.$organisation.id), SQLBind(user.personID), SQLBind(model.viaMandate), SQLBind(model.language),
            SQLBind(model.phase), SQLBind(model.workflowVersion), SQLBind(model.title), SQLBind(model.summary), SQLBind(model.answersJSON),
            SQLBind(model.budgetJSON), SQLBind(model.eligibleCents), SQLBind(model.requestedCents), SQLBind(model.screeningJSON),
            SQLBind(Int64?.none), SQLBind(String?.none), SQLBind(model.submittedAt), SQLBind(model.reopenedJSON), SQLBind(String?.none),
            SQLBind(model.searchText),
        ], on: db)
        for party in draft.coApplicants {
            try await Writes.insert(into: GrantPartyModel.schema, columns: ["id", "application_id", "organisation_id"],
                                    values: [SQLBind(UUID()), SQLBind(id), SQLBind(try party.requireID())], on: db)
        }
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.application.create", recordType: "grant_application",
                               recordID: model.number, changes: [
                                   "program": .init(before: nil, after: program.code),
                                   "call": .init(before: nil, after: call?.code),
                                   "organisation": .init(before: nil, after: organisation.code),
                                   "title": .init(before: nil, after: draft.title),
                                   "requested_cents": .init(before: nil, after: String(draft.budget.requestedCents)),
                                   "co_applicants": .init(before: nil, after: draft.coApplicants.map(\.code).joined(separator: " ")),
                                   "via_mandate": .init(before: nil, after: model.viaMandate ? "true" : "false"),
                               ])
        if let screened {
            try await recordSubmission(model, program: program, submitted: screened.submitted, screened: screened.phase, failures: screened.failures,
                                       from: program.workflow.initial, event: "submit", as: caller, on: db)
        }
        return model
    }

    /// The journal of a submission: the applicant's, then the screening's.
    static func recordSubmission(_ model: GrantApplicationModel, program: GrantProgramModel, submitted: String, screened: String,
                                 failures: [Eligibility.Failure], from before: String, event: String, as caller: Caller,
                                 on db: any Database) async throws {
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.application.\(event)", recordType: "grant_application",
                               recordID: model.number, changes: [
                                   "phase": .init(before: before, after: submitted),
                                   "submitted_at": .init(before: nil, after: model.submittedAt.map(AuditEventModel.timestamp)),
                               ])
        try await Audit.record(on: db, actor: .system("grants.screening"), action: "grants.application.screen",
                               recordType: "grant_application", recordID: model.number, changes: [
                                   "phase": .init(before: submitted, after: screened),
                                   "screening": .init(before: nil, after: failures.isEmpty ? "eligible" : model.screeningJSON),
                               ])
        try await notifyApplicant(model, program: program, failures: failures, receipt: true, as: caller, on: db)
    }

    static func apply(_ draft: Draft, to model: GrantApplicationModel) {
        model.title = draft.title
        model.summary = draft.summary
        model.answers = draft.answers
        model.budget = draft.budget
        model.eligibleCents = draft.budget.eligibleCosts.cents
        model.requestedCents = draft.budget.requestedCents
    }

    static func setParties(_ model: GrantApplicationModel, _ organisations: [OrganisationModel], on db: any Database) async throws {
        try await GrantPartyModel.query(on: db).filter(\.$application.$id == model.requireID()).delete()
        for organisation in organisations {
            let party = GrantPartyModel()
            party.$application.id = try model.requireID()
            party.$organisation.id = try organisation.requireID()
            try await party.create(on: db)
        }
    }

    /// Changes a draft (or, in a request for changes, the fields it reopened), with its version.
    static func update(_ model: GrantApplicationModel, with draft: Draft, version: Int, as caller: Caller, on db: any Database) async throws {
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        let before = (title: model.title, requested: model.requestedCents, summary: model.summary, budget: model.budgetJSON,
                      answers: model.answersJSON)
        if model.phase == "changes_requested" {
            // Only what the request for changes reopened.
            let open = Set(model.reopened)
            if open.contains("title") { model.title = draft.title }
            if open.contains("summary") { model.summary = draft.summary }
            if open.contains("budget") {
                model.budget = draft.budget
                model.eligibleCents = draft.budget.eligibleCosts.cents
                model.requestedCents = draft.budget.requestedCents
            }
            var answers = model.answers
            for (code, value) in draft.answers where open.contains("champ_\(code)") { answers[code] = value }
            model.answers = answers
        } else {
            apply(draft, to: model)
            try await setParties(model, draft.coApplicants, on: db)
        }
        let organisation = try await model.$organisation.get(on: db)
        model.searchText = searchable(model, organisation: organisation.name)
        model.version = version + 1
        try await model.save(on: db)
        var changes: [String: AuditChange] = [:]
        if before.title != model.title { changes["title"] = .init(before: before.title, after: model.title) }
        if before.summary != model.summary { changes["summary"] = .init(before: String(before.summary.prefix(200)), after: String(model.summary.prefix(200))) }
        if before.budget != model.budgetJSON { changes["budget"] = .init(before: before.budget, after: model.budgetJSON) }
        if before.answers != model.answersJSON { changes["answers"] = .init(before: before.answers, after: model.answersJSON) }
        if before.requested != model.requestedCents {
            changes["requested_cents"] = .init(before: String(before.requested), after: String(model.requestedCents))
        }
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.application.update", recordType: "grant_application",
                               recordID: model.number, changes: changes)
    }

    /// Joins stored files to an application as the documents of a requirement.
    static func attach(_ blobs: [(requirement: String, blob: FileStore.Blob)], to model: GrantApplicationModel, as caller: Caller,
                       on db: any Database) async throws {
        guard !blobs.isEmpty else { return }
        let now = Date()
        var changes: [String: AuditChange] = [:]
        for (requirement, blob) in blobs {
            try await Writes.insert(into: GrantDocumentModel.schema, columns: [
                "id", "created_at", "application_id", "requirement", "sha256", "filename", "kind", "size", "uploaded_by",
            ], values: [
                SQLBind(UUID()), SQLBind(now), SQLBind(try model.requireID()), SQLBind(requirement), SQLBind(blob.sha256),
                SQLBind(blob.filename), SQLBind(blob.kind), SQLBind(blob.size), SQLBind(caller.currentUser?.personID),
            ], on: db)
            // One change per document, keyed by its requirement (and its position when two answer the same one).
            let key = changes["document." + requirement] == nil ? "document." + requirement : "document.\(requirement).\(changes.count + 1)"
            changes[key] = .init(before: nil, after: "\(blob.filename) (\(blob.sha256))")
        }
        // The documents given together are one event of the journal.
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.document.add", recordType: "grant_application",
                               recordID: model.number, changes: changes)
    }

    /// The requirements an application has documents for.
    static func documentCodes(_ model: GrantApplicationModel, on db: any Database) async throws -> Set<String> {
        Set(try await GrantDocumentModel.query(on: db).filter(\.$application.$id == model.requireID()).all().map(\.requirement))
    }

    /// The eligibility screening of an application as it stands.
    static func screen(_ model: GrantApplicationModel, program: GrantProgramModel, organisation: OrganisationModel,
                       parties: [OrganisationModel], documents: Set<String>, territory: TerritoryDirectory) -> [Eligibility.Failure] {
        Eligibility.screen(program.eligibility, applicant: facts(organisation, territory: territory),
                           coApplicants: parties.map { facts($0, territory: territory) },
                           eligibleCosts: Money(cents: model.eligibleCents), documents: documents,
                           language: Language(rawValue: model.language) ?? .frCA)
    }

    /// Submits a draft (or resubmits after changes): the call must be open by the server's clock
    /// and every required document there; then the screening moves it to evaluation or to
    /// ineligible, with every failed rule's reason kept.
    static func submit(_ model: GrantApplicationModel, version: Int, as caller: Caller, on db: any Database,
                       parties known: [OrganisationModel]? = nil, documents knownDocuments: Set<String>? = nil) async throws {
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        let program = try await model.$program.get(on: db)
        let workflow = try await workflow(for: model, program: program, on: db)
        let event = model.phase == "changes_requested" ? "resubmit" : "submit"
        guard actors(caller, for: model).contains(.applicant) else { throw Refusal.notAParty }
        let submitted: String
        switch workflow.next(from: model.phase, on: event, by: .applicant) {
        case .success(let phase): submitted = phase
        case .failure(let refusal): throw Refusal.transition(refusal)
        }
        let now = caller.application.now
        if event == "submit", let call = try await model.$call.get(on: db), !call.isOpen(at: now) { throw Refusal.callClosed }
        let organisation = try await model.$organisation.get(on: db)
        var parties = known ?? []
        if known == nil {
            parties = try await GrantPartyModel.query(on: db).filter(\.$application.$id == model.requireID()).with(\.$organisation).all()
                .map(\.organisation)
        }
        var documents = knownDocuments ?? []
        if knownDocuments == nil { documents = try await documentCodes(model, on: db) }
        let failures = screen(model, program: program, organisation: organisation, parties: parties, documents: documents,
                              territory: caller.application.territory.current)
        // A missing document is the applicant's to fix before submitting, not a reason to close the file.
        if failures.contains(where: { $0.rule == "document" }) { throw MissingDocuments(failures: failures.filter { $0.rule == "document" }) }
        let screened: String
        switch workflow.next(from: submitted, on: failures.isEmpty ? "screen_pass" : "screen_fail", by: .system) {
        case .success(let phase): screened = phase
        case .failure(let refusal): throw Refusal.transition(refusal)
        }
        let before = model.phase
        model.phase = screened
        model.screening = failures.map { GrantApplicationModel.StoredFailure(rule: $0.rule, key: $0.key, arguments: $0.arguments) }
        if event == "submit" { model.submittedAt = now }
        model.reopened = []
        model.version = version + 1
        let updated = try await db.sql.update(GrantApplicationModel.schema)
            .set("phase", to: SQLBind(model.phase)).set("screening", to: SQLBind(model.screeningJSON))
            .set("submitted_at", to: SQLBind(model.submittedAt)).set("reopened", to: SQLBind(model.reopenedJSON))
            .set("version", to: SQLBind(model.version)).set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(try model.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        try await recordSubmission(model, program: program, submitted: submitted, screened: screened, failures: failures, from: before, event: event,
                                   as: caller, on: db)
    }

    struct MissingDocuments: Error { let failures: [Eligibility.Failure] }

    /// Moves an application by an event of its workflow (a request for changes, a wait-list, a
    /// withdrawal…), with its version.
    static func move(_ model: GrantApplicationModel, _ event: String, version: Int, note: String? = nil, reopened: [String] = [],
                     as caller: Caller, on db: any Database) async throws {
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        let program = try await model.$program.get(on: db)
        let parties = try await GrantPartyModel.query(on: db).filter(\.$application.$id == model.requireID()).all().map(\.$organisation.id)
        let mine = actors(caller, for: model, parties: parties)
        var refusal: GrantWorkflow.Refusal = .notAllowed
        var next: String?
        let workflow = try await workflow(for: model, program: program, on: db)
        for actor in mine.sorted(by: { $0.rawValue < $1.rawValue }) {
            switch workflow.next(from: model.phase, on: event, by: actor) {
            case .success(let phase): next = phase
            case .failure(let why): if why != .notAllowed || refusal == .notAllowed { refusal = why }
            }
            if next != nil { break }
        }
        guard let next else { throw mine.isEmpty ? Refusal.notAParty : Refusal.transition(refusal) }
        let before = model.phase
        model.phase = next
        model.version = version + 1
        var changes: [String: AuditChange] = ["phase": .init(before: before, after: next)]
        if event == "request_changes" {
            model.reopened = reopened
            model.changesNote = note
            changes["reopened"] = .init(before: nil, after: reopened.joined(separator: " "))
            changes["note"] = .init(before: nil, after: note)
        }
        let updated = try await db.sql.update(GrantApplicationModel.schema)
            .set("phase", to: SQLBind(next)).set("version", to: SQLBind(model.version))
            .set("reopened", to: SQLBind(model.reopenedJSON)).set("changes_note", to: SQLBind(model.changesNote))
            .set("updated_at", to: SQLBind(Date()))
            .where("id", .equal, SQLBind(try model.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.application.\(event)", recordType: "grant_application",
                               recordID: model.number, changes: changes)
        try await notifyApplicant(model, program: program, note: note, as: caller, on: db)
    }
}
