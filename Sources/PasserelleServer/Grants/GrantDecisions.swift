import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Evaluation (evaluators, scores, conflicts), the ranking of a call, decisions and envelopes.
extension Grants {
    // MARK: evaluation

    /// The organisations an application belongs to: the applicant and its co-applicants.
    static func organisationIDs(_ model: GrantApplicationModel, on db: any Database) async throws -> [UUID] {
        [model.$organisation.id] + (try await GrantPartyModel.query(on: db).filter(\.$application.$id == model.requireID()).all()
            .map(\.$organisation.id))
    }

    /// Assigns an evaluator, unless they belong to (or declared a conflict with) one of the
    /// application's organisations.
    static func assign(_ model: GrantApplicationModel, evaluator person: PersonModel, notify: Bool = true, as caller: Caller,
                       on db: any Database) async throws {
        let personID = try person.requireID()
        let memberships = try await MembershipModel.query(on: db).filter(\.$person.$id == personID).all()
        guard memberships.contains(where: { $0.decodedRole == .evaluator || $0.decodedRole == .programManager }) else { throw Refusal.notAnEvaluator }
        let organisations = try await organisationIDs(model, on: db)
        if memberships.contains(where: { organisations.contains($0.$organisation.id) }) { throw Refusal.conflict }
        if try await MandateModel.query(on: db).filter(\.$person.$id == personID).filter(\.$organisation.$id ~~ organisations).first() != nil {
            throw Refusal.conflict
        }
        if try await GrantConflictModel.query(on: db).filter(\.$person.$id == personID).filter(\.$organisation.$id ~~ organisations)
            .first() != nil { throw Refusal.conflict }
        if try await GrantEvaluatorModel.query(on: db).filter(\.$application.$id == model.requireID()).filter(\.$person.$id == personID)
            .first() != nil { return }
        let assignment = GrantEvaluatorModel()
        assignment.$application.id = try model.requireID()
        assignment.$person.id = personID
        try await assignment.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.evaluator.assign", recordType: "grant_application",
                               recordID: model.number, changes: ["evaluator": .init(before: nil, after: person.email)])
        if notify { try await notifyEvaluator(personID, files: [(model.number, model.title)], as: caller, on: db) }
    }

    /// A conflict of interest declared by a person with an organisation.
    static func declareConflict(person: UUID, organisation: OrganisationModel, reason: String, as caller: Caller,
                                on db: any Database) async throws {
        if try await GrantConflictModel.query(on: db).filter(\.$person.$id == person).filter(\.$organisation.$id == organisation.requireID())
            .first() != nil { return }
        let conflict = GrantConflictModel()
        conflict.$person.id = person
        conflict.$organisation.id = try organisation.requireID()
        conflict.reason = reason
        try await conflict.create(on: db)
        // An assignment already made to one of its files is withdrawn with its scores.
        let applications = try await GrantApplicationModel.query(on: db).filter(\.$organisation.$id == organisation.requireID()).all()
            .compactMap(\.id)
        if !applications.isEmpty {
            try await GrantEvaluatorModel.query(on: db).filter(\.$person.$id == person).filter(\.$application.$id ~~ applications).delete()
            try await GrantScoreModel.query(on: db).filter(\.$person.$id == person).filter(\.$application.$id ~~ applications).delete()
        }
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.conflict.declare", recordType: "person",
                               recordID: person.uuidString, changes: [
                                   "organisation": .init(before: nil, after: organisation.code),
                                   "reason": .init(before: nil, after: reason),
                               ])
    }

    /// An assigned evaluator's scores (one per criterion) and comments; the consolidated score
    /// follows, and the application is evaluated once every assigned evaluator has scored.
    static func score(_ model: GrantApplicationModel, scores: [String: (score: Int, comment: String)], as caller: Caller,
                      on db: any Database) async throws {
        guard let user = caller.currentUser else { throw SignInRequired() }
        let id = try model.requireID()
        guard let assignment = try await GrantEvaluatorModel.query(on: db).filter(\.$application.$id == id)
            .filter(\.$person.$id == user.personID).first() else { throw Refusal.notAnEvaluator }
        guard model.phase == "in_evaluation" else { throw Refusal.transition(.notFromPhase) }
        let program = try await model.$program.get(on: db)
        let grid = program.grid
        try await GrantScoreModel.query(on: db).filter(\.$application.$id == id).filter(\.$person.$id == user.personID).delete()
        var audit: [String: AuditChange] = [:]
        for criterion in grid.criteria {
            guard let given = scores[criterion.code] else { continue }
            let row = GrantScoreModel()
            row.$application.id = id
            row.$person.id = user.personID
            row.criterion = criterion.code
            row.score = given.score
            row.comment = given.comment
            try await row.create(on: db)
            audit[criterion.code] = .init(before: nil, after: "\(given.score)/\(criterion.maxScore)" + (given.comment.isEmpty ? "" : " — \(given.comment)"))
        }
        assignment.completedAt = Date()
        try await assignment.save(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.evaluation.score", recordType: "grant_application",
                               recordID: model.number, changes: audit)
        try await consolidate(model, grid: grid, on: db)
        let pending = try await GrantEvaluatorModel.query(on: db).filter(\.$application.$id == id).filter(\.$completedAt == nil).count()
        if pending == 0, case .success(let next) = try await workflow(for: model, program: program, on: db).next(from: model.phase, on: "evaluate", by: .system) {
            let before = model.phase
            model.phase = next
            model.version += 1
            try await db.sql.update(GrantApplicationModel.schema).set("phase", to: SQLBind(next))
                .set("version", to: SQLBind(model.version)).where("id", .equal, SQLBind(id)).run()
            try await Audit.record(on: db, actor: .system("grants.evaluation"), action: "grants.application.evaluate",
                                   recordType: "grant_application", recordID: model.number,
                                   changes: ["phase": .init(before: before, after: next),
                                             "score": .init(before: nil, after: model.score.map(formatScore))])
            try await notifyApplicant(model, program: program, as: caller, on: db)
        }
    }

    /// Recomputes the consolidated score from every complete set of scores.
    static func consolidate(_ model: GrantApplicationModel, grid: ScoringGrid, on db: any Database) async throws {
        let id = try model.requireID()
        var byPerson: [UUID: [String: Int]] = [:]
        for row in try await GrantScoreModel.query(on: db).filter(\.$application.$id == id).all() {
            byPerson[row.$person.id, default: [:]][row.criterion] = row.score
        }
        let sets = byPerson.values.compactMap { given -> [Int]? in
            let values = grid.criteria.compactMap { given[$0.code] }
            return values.count == grid.criteria.count ? values : nil
        }
        let parts = grid.parts(sets)
        model.score = parts.map { $0.reduce(0, +) }
        model.scorePartsJSON = parts.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
        try await db.sql.update(GrantApplicationModel.schema).set("score", to: SQLBind(model.score))
            .set("score_parts", to: SQLBind(model.scorePartsJSON)).where("id", .equal, SQLBind(id)).run()
    }

    /// `87.25` from ten-thousandths of a point.
    static func formatScore(_ score: Int64) -> String {
        let hundredths = (score + 50) / 100
        return "\(hundredths / 100)." + String(format: "%02d", hundredths % 100)
    }

    // MARK: ranking

    /// A ranked application with what a page shows of it.
    struct RankedApplication: Sendable {
        var ranked: Ranking.Ranked
        var id: UUID
        var title: String
        var organisation: String
        var region: String?
        var phase: String
    }

    struct CallRanking: Sendable {
        /// The whole ranking, best first.
        var ranked: [Ranking.Ranked]
        var envelope: GrantEnvelopeModel
        /// What the envelope has for this call: its total less what other calls and files took.
        var availableCents: Int64

        /// The rank of the last application above the line (0: none).
        var lastFunded: Int { ranked.last(where: \.funded)?.rank ?? 0 }
        var fundedCents: Int64 { ranked.last(where: \.funded)?.cumulativeCents ?? 0 }
    }

    static let rankedPhases = ["evaluated", "waitlisted", "pending_approval", "approved"]

    /// Every integer written in the bytes, in order, whatever separates them (`[1,2,3]`, `5|6|7`):
    /// read for thousands of rows, with no JSON decoder and no substrings.
    static func integers(_ bytes: some Sequence<UInt8>) -> [Int64] {
        var result: [Int64] = []
        var current: Int64 = 0, negative = false, inNumber = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                current = current * 10 + Int64(byte - UInt8(ascii: "0"))
                inNumber = true
            case UInt8(ascii: "-"): negative = true
            default:
                if inNumber { result.append(negative ? -current : current) }
                current = 0; negative = false; inNumber = false
            }
        }
        if inNumber { result.append(negative ? -current : current) }
        return result
    }

    /// The score parts as stored (`[1,2,3]`).
    static func parseParts(_ text: String?) -> [Int64] { text.map { integers($0.utf8) } ?? [] }

    /// `AF-2026-000123|5000000|835000|1790930307968|[1,2]`: the number, then the amount asked, the
    /// score, the submission (ms) and the score's parts, read in one pass over its bytes.
    static func rankingEntry(_ text: String) -> (number: String, asked: Int64, score: Int64, submitted: Int64, parts: [Int64])? {
        guard let bar = text.utf8.firstIndex(of: UInt8(ascii: "|")) else { return nil }
        let values = integers(text.utf8[text.utf8.index(after: bar)...])
        guard values.count >= 3 else { return nil }
        return (String(text[..<bar]), values[0], values[1], values[2], Array(values[3...]))
    }

    static func applications(_ alias: String) -> any SQLExpression {
        SQLAlias(SQLIdentifier(GrantApplicationModel.schema), as: SQLIdentifier(alias))
    }

    /// The ranking of a call's evaluated applications within its envelope, with the cut line. It
    /// reads only what ranking needs (the consolidated scores and their parts are kept with each
    /// application as it is scored); `details` reads what a page shows of the rows it shows.
    static func ranking(_ call: GrantCallModel, on db: any Database) async throws -> CallRanking {
        let sql = db.sql
        let callID = try call.requireID()
        guard let envelope = try await GrantEnvelopeModel.find(call.$envelope.id, on: db) else { throw Problem.notFound() }
        // Approved (or committed) amounts replace what was asked.
        var decided: [String: Int64] = [:]
        for row in try await sql.select().column(SQLColumn("number", table: "a")).column(SQLColumn("amount_cents", table: "d"))
            .from(SQLAlias(SQLIdentifier(GrantDecisionModel.schema), as: SQLIdentifier("d")))
            .join(applications("a"), on: SQLColumn("application_id", table: "d"), .equal, SQLColumn("id", table: "a"))
            .where(SQLColumn("call_id", table: "a"), .equal, SQLBind(callID))
            .where(SQLColumn("kind", table: "d"), .equal, SQLBind("approve"))
            .where(SQLColumn("state", table: "d"), .in, SQLBind.group(["final", "pending"]))
            .all() {
            decided[try row.decode(column: "number", as: String.self)] = try row.decode(column: "amount_cents", as: Int64.self)
        }
        // One text per row (number|requested|score|submitted|parts): one value to decode instead of
        // five, which is most of the cost of reading 20,000 rows.
        let epoch = DatabaseDialect(db).epochMilliseconds("submitted_at")
        let rows = try await sql.select()
            .column(SQLAlias(SQLRaw("number || '|' || requested_cents || '|' || score || '|' || COALESCE(\(epoch), 9000000000000000)"
                                    + " || '|' || COALESCE(score_parts, '')"), as: SQLIdentifier("r")))
            .from(GrantApplicationModel.schema)
            .where("call_id", .equal, SQLBind(callID))
            .where("phase", .in, SQLBind.group(rankedPhases))
            .where("score", .isNot, SQLLiteral.null)
            .all()
        var entries: [Ranking.Entry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard let entry = rankingEntry(try row.decode(column: "r", as: String.self)) else { continue }
            entries.append(Ranking.Entry(number: entry.number, score: entry.score, parts: entry.parts, submittedAt: entry.submitted,
                                         requestedCents: decided[entry.number] ?? entry.asked))
        }
        let thisCall = decided.values.reduce(0, +)
        let available = envelope.totalCents - (envelope.committedCents + envelope.approvedCents - thisCall)
        return CallRanking(ranked: Ranking.rank(entries, availableCents: available), envelope: envelope, availableCents: available)
    }

    /// The rows of a ranking a page shows, with their title, organisation and region.
    static func details(_ ranking: CallRanking, _ range: Range<Int>, call: GrantCallModel, territory: TerritoryDirectory,
                        on db: any Database) async throws -> [RankedApplication] {
        let shown = Array(ranking.ranked[range.clamped(to: 0..<ranking.ranked.count)])
        guard !shown.isEmpty else { return [] }
        var query = db.sql.select()
            .column(SQLColumn("id", table: "a")).column(SQLColumn("number", table: "a")).column(SQLColumn("title", table: "a"))
            .column(SQLColumn("phase", table: "a"))
            .column(SQLAlias(SQLColumn("name", table: "o"), as: SQLIdentifier("organisation")))
            .column(SQLAlias(SQLColumn("territory_code", table: "o"), as: SQLIdentifier("territory")))
            .from(applications("a"))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("o")),
                  on: SQLColumn("organisation_id", table: "a"), .equal, SQLColumn("id", table: "o"))
            .where(SQLColumn("call_id", table: "a"), .equal, SQLBind(try call.requireID()))
        if shown.count < ranking.ranked.count {
            query = query.where(SQLColumn("number", table: "a"), .in, SQLBind.group(shown.map(\.entry.number)))
        }
        var found: [String: (UUID, String, String, String?, String)] = [:]
        for row in try await query.all() {
            found[try row.decode(column: "number", as: String.self)] = (
                try row.decode(column: "id", as: UUID.self), try row.decode(column: "title", as: String.self),
                try row.decode(column: "organisation", as: String.self), try row.decode(column: "territory", as: String?.self),
                try row.decode(column: "phase", as: String.self))
        }
        return shown.compactMap { r in
            guard let (id, title, organisation, code, phase) = found[r.entry.number] else { return nil }
            return RankedApplication(ranked: r, id: id, title: title, organisation: organisation,
                                     region: code.flatMap { territory.municipality($0)?.record.regionCode ?? territory.unit($0)?.record.regionCode },
                                     phase: phase)
        }
    }

    // MARK: decisions

    /// The envelope a decision draws on: its call's, or the program's for the current fiscal year
    /// (the applicant's region's when there is one, else all regions').
    static func envelope(for model: GrantApplicationModel, today: CalendarDate, territory: TerritoryDirectory,
                         on db: any Database) async throws -> GrantEnvelopeModel {
        if let callID = model.$call.id, let call = try await GrantCallModel.find(callID, on: db),
           let envelope = try await GrantEnvelopeModel.find(call.$envelope.id, on: db) { return envelope }
        let year = GovernmentFiscalYear(containing: today).description
        let envelopes = try await GrantEnvelopeModel.query(on: db).filter(\.$program.$id == model.$program.id)
            .filter(\.$fiscalYear == year).all()
        let organisation = try await model.$organisation.get(on: db)
        let region = OrganisationQueries.region(of: organisation, in: territory)
        if let mine = envelopes.first(where: { $0.region == region }) ?? envelopes.first(where: { $0.region.isEmpty }) { return mine }
        throw Refusal.noEnvelope
    }

    /// Takes money from an envelope in one statement that refuses to overdraw it, also when two
    /// decisions race: the row's own check, made under its lock.
    static func take(_ cents: Int64, from envelope: UUID, committed: Bool, on db: any Database) async throws {
        let sql = db.sql
        let column = committed ? "committed_cents" : "approved_cents"
        let taken = try await sql.update(GrantEnvelopeModel.schema)
            .set(SQLIdentifier(column), to: SQLBinaryExpression(SQLIdentifier(column), .add, SQLBind(cents)))
            .set("version", to: SQLBinaryExpression(SQLIdentifier("version"), .add, SQLLiteral.numeric("1")))
            .where("id", .equal, SQLBind(envelope))
            .where(SQLBinaryExpression(
                SQLBinaryExpression(SQLBinaryExpression(SQLIdentifier("total_cents"), .subtract, SQLIdentifier("committed_cents")),
                                    .subtract, SQLIdentifier("approved_cents")),
                .greaterThanOrEqual, SQLBind(cents)))
            .returning("id").all()
        if taken.isEmpty {
            let row = try await sql.select().column("total_cents").column("committed_cents").column("approved_cents")
                .from(GrantEnvelopeModel.schema).where("id", .equal, SQLBind(envelope)).first()
            let remaining = try row.map {
                try $0.decode(column: "total_cents", as: Int64.self) - $0.decode(column: "committed_cents", as: Int64.self)
                    - $0.decode(column: "approved_cents", as: Int64.self)
            } ?? 0
            throw Refusal.overdraw(remaining: remaining, asked: cents)
        }
    }

    /// Moves committed money to approved (a second approval), or gives it back (a refusal).
    static func release(_ cents: Int64, in envelope: UUID, approve: Bool, on db: any Database) async throws {
        var update = db.sql.update(GrantEnvelopeModel.schema)
            .set("committed_cents", to: SQLBinaryExpression(SQLIdentifier("committed_cents"), .subtract, SQLBind(cents)))
            .set("version", to: SQLBinaryExpression(SQLIdentifier("version"), .add, SQLLiteral.numeric("1")))
        if approve { update = update.set("approved_cents", to: SQLBinaryExpression(SQLIdentifier("approved_cents"), .add, SQLBind(cents))) }
        try await update.where("id", .equal, SQLBind(envelope)).run()
    }

    /// Approves (an amount at most what was asked and the ceiling), refuses (with reasons) or
    /// wait-lists an application. An approval above the person's spending authority commits the
    /// money and waits for a second approver.
    @discardableResult
    static func decide(_ model: GrantApplicationModel, kind: String, amount: Int64?, reasons: String, version: Int,
                       as caller: Caller, on db: any Database) async throws -> GrantDecisionModel {
        guard let user = caller.currentUser else { throw SignInRequired() }
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        let program = try await model.$program.get(on: db)
        let mine = actors(caller, for: model)
        guard mine.contains(.programManager) || mine.contains(.financeOfficer) else { throw Refusal.notAParty }
        let actor: GrantWorkflow.Actor = mine.contains(.financeOfficer) ? .financeOfficer : .programManager
        let decision = GrantDecisionModel()
        decision.$application.id = try model.requireID()
        decision.kind = kind
        decision.reasons = reasons
        decision.decidedBy = user.personID
        decision.decidedByName = user.displayName
        decision.amountCents = 0
        decision.state = "final"
        var event: String
        var changes: [String: AuditChange] = [:]
        switch kind {
        case "approve":
            guard let amount, amount > 0 else { throw Refusal.amountNotPositive }
            guard amount <= model.requestedCents else { throw Refusal.amountAboveRequested(requested: model.requestedCents) }
            guard amount <= program.terms.ceilingCents else { throw Refusal.amountAboveCeiling(ceiling: program.terms.ceilingCents) }
            let limit = SpendingAuthority.limit(of: caller.accessActor.memberships.map(\.role))
            let second = SpendingAuthority.needsSecondApproval(amountCents: amount, limitCents: limit)
            event = second ? "approve_pending" : "approve"
            decision.amountCents = amount
            decision.state = second ? "pending" : "final"
            changes["amount_cents"] = .init(before: nil, after: String(amount))
            changes["spending_limit_cents"] = .init(before: nil, after: String(limit))
        case "refuse":
            guard !reasons.isEmpty else { throw Refusal.reasonsRequired }
            event = "refuse"
        case "waitlist":
            event = "waitlist"
        default:
            throw Refusal.transition(.unknownEvent)
        }
        let next: String
        switch try await workflow(for: model, program: program, on: db).next(from: model.phase, on: event, by: actor) {
        case .success(let phase): next = phase
        case .failure(let refusal): throw Refusal.transition(refusal)
        }
        if kind == "approve" {
            let envelope = try await Self.envelope(for: model, today: caller.application.today,
                                                   territory: caller.application.territory.current, on: db)
            try await take(decision.amountCents, from: try envelope.requireID(), committed: decision.state == "pending", on: db)
            decision.$envelope.id = try envelope.requireID()
            changes["envelope"] = .init(before: nil, after: "\(envelope.fiscalYear)\(envelope.region.isEmpty ? "" : " " + envelope.region)")
        }
        // A refusal of an approval awaiting its second signature gives the money back.
        if let pending = try await GrantDecisionModel.query(on: db).filter(\.$application.$id == model.requireID())
            .filter(\.$state == "pending").first() {
            if let envelope = pending.$envelope.id { try await release(pending.amountCents, in: envelope, approve: false, on: db) }
            pending.state = "superseded"
            try await pending.save(on: db)
        }
        try await decision.create(on: db)
        let before = model.phase
        try await advance(model, to: next, version: version, on: db)
        changes["phase"] = .init(before: before, after: next)
        changes["decision"] = .init(before: nil, after: kind)
        if !reasons.isEmpty { changes["reasons"] = .init(before: nil, after: reasons) }
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.decision.\(kind)", recordType: "grant_application",
                               recordID: model.number, changes: changes)
        try await notifyApplicant(model, program: program, note: reasons.isEmpty ? nil : reasons, as: caller, on: db)
        if decision.state == "pending" { try await notifySecondApprovers(model, amountCents: decision.amountCents, as: caller, on: db) }
        return decision
    }

    /// The second approval of a decision above its author's spending authority: by another
    /// finance officer whose own limit covers the amount.
    static func approveSecond(_ model: GrantApplicationModel, version: Int, as caller: Caller, on db: any Database) async throws {
        guard let user = caller.currentUser else { throw SignInRequired() }
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        let program = try await model.$program.get(on: db)
        guard actors(caller, for: model).contains(.financeOfficer) else { throw Refusal.notAParty }
        guard let pending = try await GrantDecisionModel.query(on: db).filter(\.$application.$id == model.requireID())
            .filter(\.$state == "pending").first() else { throw Refusal.transition(.notFromPhase) }
        guard pending.decidedBy != user.personID else { throw Refusal.sameApprover }
        let limit = SpendingAuthority.limit(of: caller.accessActor.memberships.map(\.role))
        guard SpendingAuthority.mayGiveSecondApproval(amountCents: pending.amountCents, limitCents: limit) else {
            throw Refusal.limitTooLow(limit: limit)
        }
        let next: String
        switch try await workflow(for: model, program: program, on: db).next(from: model.phase, on: "second_approval", by: .financeOfficer) {
        case .success(let phase): next = phase
        case .failure(let refusal): throw Refusal.transition(refusal)
        }
        if let envelope = pending.$envelope.id { try await release(pending.amountCents, in: envelope, approve: true, on: db) }
        pending.state = "final"
        pending.secondBy = user.personID
        pending.secondByName = user.displayName
        pending.secondAt = Date()
        try await pending.save(on: db)
        let before = model.phase
        try await advance(model, to: next, version: version, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.decision.second_approval", recordType: "grant_application",
                               recordID: model.number, changes: [
                                   "phase": .init(before: before, after: next),
                                   "amount_cents": .init(before: nil, after: String(pending.amountCents)),
                                   "spending_limit_cents": .init(before: nil, after: String(limit)),
                               ])
        try await notifyApplicant(model, program: program, as: caller, on: db)
    }

    /// Moves an application to a phase with its version: a change made in between makes this one
    /// affect no row, and it is refused as stale (409).
    static func advance(_ model: GrantApplicationModel, to next: String, version: Int, on db: any Database) async throws {
        let updated = try await db.sql.update(GrantApplicationModel.schema)
            .set("phase", to: SQLBind(next)).set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(Date()))
            .where("id", .equal, SQLBind(try model.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        model.phase = next
        model.version = version + 1
    }

    // MARK: envelopes and calls

    static func createEnvelope(program: GrantProgramModel, year: GovernmentFiscalYear, region: String, totalCents: Int64,
                               as caller: Caller, on db: any Database) async throws -> GrantEnvelopeModel {
        let envelope = GrantEnvelopeModel()
        envelope.$program.id = try program.requireID()
        envelope.fiscalYear = year.description
        envelope.region = region
        envelope.totalCents = totalCents
        envelope.committedCents = 0
        envelope.approvedCents = 0
        envelope.version = 1
        try await envelope.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.envelope.create", recordType: "grant_envelope",
                               recordID: try envelope.requireID().uuidString, changes: [
                                   "program": .init(before: nil, after: program.code),
                                   "fiscal_year": .init(before: nil, after: envelope.fiscalYear),
                                   "region": .init(before: nil, after: region.isEmpty ? nil : region),
                                   "total_cents": .init(before: nil, after: String(totalCents)),
                               ])
        return envelope
    }

    static func createCall(program: GrantProgramModel, envelope: GrantEnvelopeModel, code: String, titleFr: String, titleEn: String,
                           opensAt: Date, closesAt: Date, as caller: Caller, on db: any Database) async throws -> GrantCallModel {
        let call = GrantCallModel()
        call.code = code
        call.$program.id = try program.requireID()
        call.$envelope.id = try envelope.requireID()
        call.titleFr = titleFr
        call.titleEn = titleEn
        call.opensAt = opensAt
        call.closesAt = closesAt
        call.version = 1
        try await call.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "grants.call.create", recordType: "grant_call",
                               recordID: code, changes: [
                                   "program": .init(before: nil, after: program.code),
                                   "opens_at": .init(before: nil, after: AuditEventModel.timestamp(opensAt)),
                                   "closes_at": .init(before: nil, after: AuditEventModel.timestamp(closesAt)),
                                   "envelope": .init(before: nil, after: envelope.fiscalYear),
                               ])
        return call
    }

    // MARK: formula

    struct Allocation: Sendable {
        var code: String
        var name: String
        var region: String
        var indicator: Int64
        var cents: Int64
    }

    /// A formula program's allocation of an envelope among every eligible municipality.
    /// `organisations`: the geographic codes of the active municipalities (the Répertoire's other
    /// entities, unorganised territories among them, receive nothing).
    static func allocations(program: GrantProgramModel, totalCents: Int64, territory: TerritoryDirectory,
                            organisations: Set<String>) -> [Allocation] {
        let rules = program.eligibility
        let municipalities = rules.kinds.contains(.municipality) ? territory.municipalities.filter {
            organisations.contains($0.code) && (rules.regions.isEmpty || rules.regions.contains($0.record.regionCode))
        } : []
        let indicators = municipalities.map { (id: $0.code, value: Int64($0.record.population ?? 0)) }
        let shares = Formula.allocate(totalCents: totalCents, indicators: indicators, floorCents: 500_000)
        return municipalities.map {
            Allocation(code: $0.code, name: $0.record.name, region: $0.record.regionCode, indicator: Int64($0.record.population ?? 0),
                       cents: shares[$0.code] ?? 0)
        }.sorted { $0.name < $1.name }
    }
}
