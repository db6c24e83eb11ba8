import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

extension Request {
    private struct MunicipalRequestKey: StorageKey { typealias Value = RequestModel }

    /// The request a `/demandes/:numero` route is about, loaded by its policy.
    var municipalRequest: RequestModel? {
        get { storage[MunicipalRequestKey.self] }
        set { storage[MunicipalRequestKey.self] = newValue }
    }
}

/// The guichet's pages and API: the list (a municipality's requests, the ministry's queues), the
/// filing form, a request's file with its conversation and its actions.
struct RequestPages: Sendable {
    static let pageSize = 50

    /// Loads the request of the path and says whose it is, for the route's policy.
    @Sendable static func owner(_ req: Request) async throws -> RecordOwner? {
        guard let number = req.parameters.get("numero"), number.count <= 20,
              let model = try await RequestModel.query(on: req.db).filter(\.$number == number).first() else { return nil }
        req.municipalRequest = model
        return RecordOwner(ownerID: model.$organisation.id, unitID: model.$unit.id)
    }

    // MARK: list

    static func filter(_ req: Request) throws -> RequestQueries.Filter {
        RequestQueries.Filter(status: FormInput.text(req, "statut"), unit: FormInput.text(req, "unite"),
               mine: req.query[String.self, at: "moi"] == "1", q: FormInput.text(req, "q"), page: try FormInput.page(req),
               agent: FormInput.text(req, "agent"), due: FormInput.text(req, "echeance"),
               priority: FormInput.text(req, "priorite"), type: FormInput.text(req, "type"))
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        try await listPage(req, filter: try Self.filter(req))
    }

    /// The list, or a ministry person's queue with its bulk assignment.
    func listPage(_ req: Request, filter: RequestQueries.Filter, errors: FormInput.Errors = [], chosen: Set<String> = [],
                  notice: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let types = try await req.application.requestTypes.all(on: req.db).sorted { $0.code < $1.code }
        let ministry = req.accessActor.isMinistry
        // The filters' units and people do not depend on the rows: read at the same time (on
        // PostgreSQL each query is a round trip of its own).
        async let units = ministry ? OrganisationQueries.units(on: req.db) : []
        async let staff = ministry ? Self.staff(on: req.db, unit: filter.unit) : []
        let found = try await RequestQueries.list(filter, types: types, actor: req.accessActor,
                                                 workingDays: req.application.workingDays, on: req.db)
        let view = RequestViews.Queue(filter: filter, rows: found?.rows ?? [], total: found?.total ?? 0, readable: found != nil,
                                      units: try await units, types: types, staff: try await staff, ministry: ministry,
                                      bulk: ministry && req.allows(.update, Resource(service: .requests)), errors: errors, chosen: chosen,
                                      notice: notice, csrf: req.currentUser?.csrfToken ?? "")
        return RequestViews.list(Layout(req), view, days: req.application.workingDays).page(status: status)
    }

    /// The people who handle requests: members of a ministry unit, by name.
    /// `unit`: a unit's code, to keep its people only (a unit's queue offers its own people).
    static func staff(on db: any Database, unit: String = "") async throws -> [PersonModel] {
        // One query, read straight into models, sorted on the folded name computed once per person
        // (Fluent's decoding of each membership and a collating compare per pair cost more than the
        // query: a unit's queue page lists its people twice).
        let unitFilter: SQLQueryString = unit.isEmpty ? "" : " AND o.code = \(bind: unit)"
        let rows = try await db.sql.raw("""
            SELECT p.id, p.email, p.display_name FROM people p
            WHERE p.active = \(bind: true) AND p.id IN (
                SELECT m.person_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                WHERE o.kind = \(bind: OrganisationKind.ministryUnit.rawValue)\(unitFilter))
            """).all()
        var people: [(String, PersonModel)] = []
        people.reserveCapacity(rows.count)
        for row in rows {
            let person = PersonModel(email: try row.decode(column: "email", as: String.self),
                                     displayName: try row.decode(column: "display_name", as: String.self), passwordHash: nil)
            person.id = try row.decode(column: "id", as: UUID.self)
            people.append((Requests.searchable([person.displayName]), person))
        }
        return people.sorted { $0.0 < $1.0 }.map(\.1)
    }

    struct BulkForm: Content {
        var numeros: [String]?
        var assignee: String?
        var retour: String?
    }

    /// Assigns the chosen requests of a queue to one person, all or none: a request that may not be
    /// assigned (its status, a change since the page was read) leaves every one as it was, and the
    /// queue comes back with the reason for each and the choice kept.
    @Sendable func bulkAssign(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let form = (try? req.content.decode(BulkForm.self)) ?? BulkForm()
        let l = req.localizer
        // The queue as it was shown: its filters travel in `retour`.
        let back = URI(string: "/demandes?" + (form.retour ?? ""))
        var filter = (try? Self.filter(Request(application: req.application, method: .GET, url: back, on: req.eventLoop))) ?? RequestQueries.Filter()
        filter.page = 1
        let numbers = Array(Set(form.numeros ?? [])).sorted()
        let chosen = Set(numbers)
        guard !numbers.isEmpty, numbers.count <= Self.pageSize else {
            return try await listPage(req, filter: filter, errors: [("numeros", l("request.bulk.none"))], chosen: chosen,
                                      status: .unprocessableEntity)
        }
        let email = PersonModel.normalized(form.assignee ?? "")
        guard !email.isEmpty, let assignee = try await Self.staff(on: req.db).first(where: { $0.email == email }) else {
            return try await listPage(req, filter: filter, errors: [("assignee", l("request.error.assignee"))], chosen: chosen,
                                      status: .unprocessableEntity)
        }
        let models = try await RequestModel.query(on: req.db).filter(\.$number ~~ numbers).all()
        guard models.count == numbers.count else {
            return try await listPage(req, filter: filter, errors: [("numeros", l("request.bulk.unknown"))], chosen: chosen,
                                      status: .unprocessableEntity)
        }
        struct Refused: Error { let reasons: [(String, String)] }
        do {
            try await req.write { db in
                var reasons: [(String, String)] = []
                for model in models {
                    guard req.allows(.update, Resource(service: .requests, ownerID: model.$organisation.id)) else {
                        reasons.append((model.number, l("request.error.not_a_party")))
                        continue
                    }
                    do {
                        try await Requests.move(model, .assign, version: model.version, note: nil, assignee: assignee,
                                                as: req.caller, on: db)
                    } catch let refusal as Requests.Refusal {
                        reasons.append((model.number, Self.message(l, refusal, event: .assign, status: model.status)))
                    }
                }
                if !reasons.isEmpty { throw Refused(reasons: reasons) }
            }
        } catch let refused as Refused {
            return try await listPage(req, filter: filter, errors: refused.reasons.map {
                ("numeros", l("request.bulk.refused", ["number": $0.0, "reason": $0.1]))
            }, chosen: chosen, status: .unprocessableEntity)
        }
        return try await listPage(req, filter: filter, notice: l("request.bulk.done", [
            "count": l.format.integer(numbers.count), "person": assignee.displayName,
        ]))
    }

    /// What a refused change says, in the reader's language.
    static func message(_ l: Localizer, _ refusal: Requests.Refusal, event: RequestEvent, status: RequestStatus) -> String {
        let key = switch refusal {
        case .stale: "request.error.stale"
        case .transition: "request.error.transition"
        case .notAParty: "request.error.not_a_party"
        }
        return l(key, ["event": l("request.event.\(event.rawValue)"), "status": l("request.status.\(status.rawValue)")])
    }

    /// Where to file: straight to the form when the person files for one organisation only.
    @Sendable func choose(_ req: Request) async throws -> Response {
        let actor = req.accessActor
        let owners = Set(actor.memberships.map(\.organisationID) + actor.mandates.map(\.municipalityID))
            .filter { req.allows(.create, Resource(service: .requests, ownerID: $0)) }
        let organisations = try await OrganisationModel.query(on: req.db).filter(\.$id ~~ owners)
            .filter(\.$kind ~~ [.municipality, .mrc]).sort(\.$name).all()
        if organisations.count == 1 { return req.redirect(to: "/organisations/\(organisations[0].code)/demandes/nouvelle") }
        return RequestViews.choose(Layout(req), organisations: organisations).page(status: .ok)
    }

    // MARK: filing

    /// The answers an HTML form carries for the type's fields, and the files of its file fields.
    static func answers(_ req: Request, type: RequestTypeModel?) -> (answers: [String: [String]], files: [(String, File)]) {
        FormInput.answers(req, fields: type?.fields ?? [])
    }

    /// The filing form: first the kind of request (a page of its own), then the form for that kind.
    @Sendable func form(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
            .filter { $0.filerKinds.contains(organisation.kind) }
        let code = req.query[String.self, at: "type"]
        guard let code, types.contains(where: { $0.code == code }) else {
            let error = code.map { _ in req.localizer("request.error.type") }
            return RequestViews.chooseType(Layout(req), organisation: organisation, types: types, error: error)
                .page(status: error == nil ? .ok : .unprocessableEntity)
        }
        return RequestViews.form(Layout(req), organisation: organisation, types: types,
                                 form: RequestQueries.FilingForm(type: code), errors: [],
                                 maxUploadMB: req.application.settings.attachmentMaxMB, csrf: req.currentUser?.csrfToken ?? "").page(status: .ok)
    }

    @Sendable func file(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        return try await receive(req, organisation: try req.requireOrganisation(), draft: nil)
    }

    /// A draft changed through the form.
    @Sendable func updateDraft(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let draft = try await RequestDrafts.load(req)
        return try await receive(req, organisation: draft.organisation, draft: draft)
    }

    /// What the filing form sends: filed at once (no `etape`, as scripts do), kept as a draft and
    /// shown for checking (`verifier`, once it is complete), or kept as it is (`brouillon`). Files are
    /// checked by content first; a refused form comes back with what was typed.
    func receive(_ req: Request, organisation: OrganisationModel, draft: RequestDraftModel?) async throws -> Response {
        let form = (try? req.content.decode(RequestQueries.FilingForm.self)) ?? RequestQueries.FilingForm()
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        let type = types.first { $0.code == form.type }
        let (answers, fieldFiles) = Self.answers(req, type: type)
        let l = req.localizer
        let maxBytes = req.application.settings.attachmentMaxMB * 1_048_576
        var problems: FormInput.Errors = []
        var pieces: [(File, FileKind)] = []
        switch FileStore.check(Array((form.pieces ?? []).prefix(5)), maxBytes: maxBytes) {
        case .success(let checked): pieces = checked
        case .failure(let problem): problems.append(("pieces", FileStore.message(l, problem, maxBytes: maxBytes)))
        }
        if (form.pieces ?? []).count > 5 { problems.append(("pieces", l("attachment.error.count"))) }
        var answered: [(String, File, FileKind)] = []
        for (code, file) in fieldFiles {
            switch FileStore.check([file], maxBytes: maxBytes) {
            case .success(let checked): answered += checked.map { (code, $0.0, $0.1) }
            case .failure(let problem): problems.append(("champ_\(code)", FileStore.message(l, problem, maxBytes: maxBytes)))
            }
        }
        let removed = Set((try? req.content.get([String].self, at: "retirer")) ?? [])
        let keptFields = Set((draft?.content.files ?? []).filter { !removed.contains($0.sha256) }.compactMap(\.field))
        let mode = form.etape ?? ""
        let refused = { (errors: FormInput.Errors) -> Response in
            RequestViews.form(Layout(req), organisation: organisation, types: types, form: form, answers: answers, draft: draft,
                              errors: errors, maxUploadMB: req.application.settings.attachmentMaxMB,
                              csrf: req.currentUser?.csrfToken ?? "").page(status: .unprocessableEntity)
        }
        if let draft, (try? req.content.get(Int.self, at: "version")).map({ $0 != draft.version }) == true {
            let response = refused([("version", l("request.draft.stale"))])
            response.status = .conflict
            return response
        }
        var filing: Requests.Filing?
        if mode != "brouillon" {
            let validated = RequestQueries.validate(form, types: types, answers: answers,
                                          files: Set(answered.map(\.0)).union(keptFields), filer: organisation.kind)
            problems = validated.1.map { ($0.field, l($0.message)) } + problems
            filing = validated.0
        } else if type == nil {
            problems.insert(("type", l("request.error.type")), at: 0)
        }
        guard problems.isEmpty else { return refused(problems) }
        do {
            if mode == "verifier" || mode == "brouillon" {
                var blobs: [FileStore.Blob] = []
                for (file, kind) in pieces { blobs.append(try await FileStore.save(file, kind: kind, app: req.application)) }
                for (code, file, kind) in answered {
                    blobs.append(try await FileStore.save(file, kind: kind, field: code, app: req.application))
                }
                // A new file for a file field replaces the one the draft had.
                let replaced = Set(answered.map(\.0))
                let dropped = removed.union((draft?.content.files ?? []).filter { $0.field.map(replaced.contains) == true }.map(\.sha256))
                let saved = try await RequestDrafts.save(draft, form: form, answers: answers, files: blobs, removed: dropped,
                                                         organisation: organisation, as: req.caller)
                return req.redirect(to: "/demandes/brouillons/\(try saved.requireID().uuidString)", redirectType: .normal)
            }
            guard let filing else { return refused(problems) }
            let (pieces, answered) = (pieces, answered)
            let model = try await req.write { db in
                let model = try await Requests.file(filing, for: organisation, as: req.caller, on: db)
                _ = try await Attachments.store(pieces, for: model, shared: true, as: req.caller, on: db)
                for (code, file, kind) in answered {
                    _ = try await Attachments.store([(file, kind)], for: model, shared: true, field: code, as: req.caller, on: db)
                }
                return model
            }
            return RequestViews.filed(Layout(req), model: model, type: filing.type).page(status: .created)
        } catch let problem as FileStore.Problem {
            return refused([("pieces", FileStore.message(l, problem, maxBytes: maxBytes))])
        }
    }

    // MARK: a request's file

    static func loaded(_ req: Request) async throws -> (RequestModel, RequestTypeModel, [RequestStepModel]) {
        guard let model = req.municipalRequest else { throw Problem.notFound() }
        try await model.$type.load(on: req.db)
        try await model.$organisation.load(on: req.db)
        try await model.$unit.load(on: req.db)
        try await model.$requester.load(on: req.db)
        try await model.$assignee.load(on: req.db)
        let steps = try await RequestStepModel.query(on: req.db).filter(\.$request.$id == model.requireID())
            .sort(\.$createdAt).all()
        return (model, model.type, steps)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        // `?modele=code`: a standard answer, in the request's language, ready to edit and send.
        let code = FormInput.text(req, "modele")
        guard !code.isEmpty, req.accessActor.isMinistry, let model = req.municipalRequest else {
            return try await showPage(req, errors: [], status: .ok)
        }
        guard let answer = try await StandardAnswerModel.query(on: req.db).filter(\.$code == code).filter(\.$active == true).first() else {
            return try await showPage(req, errors: [("modele", req.localizer("answer.error.unknown"))], status: .unprocessableEntity)
        }
        let organisation = try await model.$organisation.get(on: req.db).name
        let text = StandardAnswers.render(answer, for: model, organisation: organisation,
                                          agent: req.currentUser?.displayName ?? "")
        return try await showPage(req, errors: [], status: .ok, message: text)
    }

    func showPage(_ req: Request, errors: FormInput.Errors, status: HTTPResponseStatus, note: String = "",
                  message: String = "") async throws -> Response {
        let (model, type, steps) = try await Self.loaded(req)
        let ministry = req.accessActor.isMinistry
        var messages = RequestMessageModel.query(on: req.db).filter(\.$request.$id == (try model.requireID()))
        // Internal notes never leave the ministry: filtered in SQL.
        if !ministry { messages = messages.filter(\.$kind == "message") }
        let conversation = try await messages.sort(\.$createdAt).all()
        var files = AttachmentModel.query(on: req.db).filter(\.$request.$id == (try model.requireID()))
        if !ministry { files = files.filter(\.$shared == true) }
        let attachments = try await files.sort(\.$createdAt).all()
        let history = ministry ? try await AuditEventModel.query(on: req.db).filter(\.$recordType == "request")
            .filter(\.$recordID == model.number).sort(\.$sequence).all() : []
        let party = Requests.party(of: req.caller, for: model)
        let events = party.map { RequestWorkflow.events(from: model.status, by: $0) } ?? []
        let clock = Requests.clock(model, type: type, steps: steps)
        let mayRate = party == .requester && model.status == .closed && model.rating == nil
        let following = try await RequestFollowers.isFollowing(model, person: req.currentUser?.personID, on: req.db)
        let answers = ministry && party != nil
            ? try await StandardAnswerModel.query(on: req.db).filter(\.$active == true).sort(\.$code).all() : []
        // The co-requesters' merged files: the ministry's business (each municipality sees its own).
        let grouped = ministry ? try await Requests.grouped(model, on: req.db) : []
        return RequestViews.show(Layout(req), model: model, type: type, steps: steps, clock: clock, mayRate: mayRate,
                                 following: following, answers: answers, grouped: grouped,
                                 days: req.application.workingDays, conversation: conversation, history: history,
                                 events: events, ministry: ministry, canWrite: party != nil, errors: errors, note: note,
                                 message: message, attachments: attachments,
                                 maxUploadMB: req.application.settings.attachmentMaxMB, csrf: req.currentUser?.csrfToken ?? "").page(status: status)
    }

    struct MoveForm: Content {
        var event: String?
        var version: String?
        var note: String?
        /// For `assign`: the assignee's email (the person acting when empty).
        var assignee: String?
        /// For `merge`: the number of the request this one joins.
        var merge_into: String?
    }

    @Sendable func move(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let model = req.municipalRequest else { throw Problem.notFound() }
        let form = (try? req.content.decode(MoveForm.self)) ?? MoveForm()
        let l = req.localizer
        guard let event = form.event.flatMap(RequestEvent.init(rawValue:)), let version = form.version.flatMap(Int.init) else {
            return try await showPage(req, errors: [("event", l("request.error.event"))], status: .unprocessableEntity,
                                      note: form.note ?? "")
        }
        let note = form.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        var assignee: PersonModel?
        if event == .assign {
            let email = PersonModel.normalized(form.assignee ?? "")
            assignee = email.isEmpty ? try await PersonModel.find(req.currentUser?.personID, on: req.db)
                                     : try await PersonModel.query(on: req.db).filter(\.$email == email).first()
            var isStaff = false
            if let person = assignee {
                isStaff = try await MembershipModel.query(on: req.db).filter(\.$person.$id == person.requireID())
                    .with(\.$organisation).all().contains { $0.organisation.kind == .ministryUnit }
            }
            if !isStaff {
                return try await showPage(req, errors: [("assignee", l("request.error.assignee"))], status: .unprocessableEntity,
                                          note: form.note ?? "")
            }
        }
        if event == .transfer && (note ?? "").isEmpty {
            return try await showPage(req, errors: [("note", l("request.error.transfer_reason"))], status: .unprocessableEntity)
        }
        var target: RequestModel?
        if event == .merge {
            target = try await RequestModel.query(on: req.db).filter(\.$number == (form.merge_into ?? "")).first()
            if target == nil || target?.number == model.number || target?.status.isFinal == true {
                return try await showPage(req, errors: [("merge_into", l("request.error.merge_into"))],
                                          status: .unprocessableEntity, note: form.note ?? "")
            }
        }
        let chosen = assignee, joined = target
        do {
            try await req.write { db in
                try await Requests.move(model, event, version: version, note: note, assignee: chosen, mergeInto: joined,
                                        as: req.caller, on: db)
            }
        } catch let refusal as Requests.Refusal {
            let (status, key): (HTTPResponseStatus, String) = switch refusal {
            case .stale: (.conflict, "request.error.stale")
            case .transition: (.unprocessableEntity, "request.error.transition")
            case .notAParty: (.forbidden, "request.error.not_a_party")
            }
            // Reload: the page shows the request as it is now, and keeps what was typed.
            if let fresh = try await RequestModel.find(model.id, on: req.db) { req.municipalRequest = fresh }
            return try await showPage(req, errors: [("event", l(key, ["event": l("request.event.\(event.rawValue)"),
                                                                      "status": l("request.status.\(model.status.rawValue)")]))],
                                      status: status, note: form.note ?? "")
        }
        return req.redirect(to: "/demandes/\(model.number)", redirectType: .normal)
    }

    struct MessageForm: Content {
        var body: String?
        var kind: String?
        var pieces: [File]?
    }

    @Sendable func message(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let model = req.municipalRequest else { throw Problem.notFound() }
        let form = (try? req.content.decode(MessageForm.self)) ?? MessageForm()
        let l = req.localizer
        let body = (form.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let kind = req.accessActor.isMinistry && form.kind == "note" ? "note" : "message"
        guard !body.isEmpty, body.count <= 20_000 else {
            return try await showPage(req, errors: [("body", l("request.error.message"))], status: .unprocessableEntity)
        }
        guard Requests.party(of: req.caller, for: model) != nil else { throw RoutePolicy.problem(for: .missingRole) }
        let maxBytes = req.application.settings.attachmentMaxMB * 1_048_576
        let files: [(File, FileKind)]
        switch FileStore.check(Array((form.pieces ?? []).prefix(5)), maxBytes: maxBytes) {
        case .success(let checked): files = checked
        case .failure(let problem):
            return try await showPage(req, errors: [("pieces", FileStore.message(l, problem, maxBytes: maxBytes))],
                                      status: .unprocessableEntity, message: body)
        }
        do {
            try await req.write { db in
                try await Requests.addMessage(model, kind: kind, body: body, as: req.caller, on: db)
                _ = try await Attachments.store(files, for: model, shared: kind == "message", as: req.caller, on: db)
            }
        } catch let problem as FileStore.Problem {
            return try await showPage(req, errors: [("pieces", FileStore.message(l, problem, maxBytes: maxBytes))],
                                      status: .unprocessableEntity, message: body)
        }
        return req.redirect(to: "/demandes/\(model.number)#conversation", redirectType: .normal)
    }

    struct FollowForm: Content { var follow: String? }

    /// Follow a request (notices by mail of every message and status change), or stop.
    @Sendable func follow(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let model = req.municipalRequest, let person = req.currentUser?.personID else { throw Problem.notFound() }
        let on = (try? req.content.decode(FollowForm.self))?.follow == "1"
        try await req.write { db in
            let before = try await RequestFollowers.isFollowing(model, person: person, on: db)
            guard before != on else { return }
            if on {
                try await RequestFollowers.follow(model, person: person, on: db)
            } else {
                try await RequestFollowers.unfollow(model, person: person, on: db)
            }
            try await Audit.record(on: db, actor: req.auditActor, action: on ? "requests.follow" : "requests.unfollow",
                                   recordType: "request", recordID: model.number,
                                   changes: ["follower": .init(before: on ? nil : req.currentUser?.email,
                                                               after: on ? req.currentUser?.email : nil)])
        }
        return req.redirect(to: "/demandes/\(model.number)", redirectType: .normal)
    }

    struct RatingForm: Content { var rating: String? }

    /// The one question asked when a request is closed: how satisfied the municipality is (1–5).
    @Sendable func rate(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let model = req.municipalRequest else { throw Problem.notFound() }
        let l = req.localizer
        let form = (try? req.content.decode(RatingForm.self)) ?? RatingForm()
        guard model.status == .closed, model.rating == nil else {
            return try await showPage(req, errors: [("rating", l("request.error.rating_closed"))], status: .conflict)
        }
        guard Requests.party(of: req.caller, for: model) == .requester else { throw RoutePolicy.problem(for: .missingRole) }
        guard let rating = form.rating.flatMap(Int.init), (1...5).contains(rating) else {
            return try await showPage(req, errors: [("rating", l("request.error.rating"))], status: .unprocessableEntity)
        }
        try await req.write { db in
            model.rating = rating
            model.version += 1
            try await model.update(on: db)
            try await RequestStats.count(RequestStats.key(.rating, value: rating, on: req.application.today, unit: model.$unit.id,
                                                          type: model.$type.id), on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "requests.rate", recordType: "request",
                                   recordID: model.number, changes: ["rating": .init(before: nil, after: String(rating))])
        }
        return req.redirect(to: "/demandes/\(model.number)", redirectType: .normal)
    }

    /// An attachment, as a download (never shown inline: its bytes are the sender's).
    @Sendable func download(_ req: Request) async throws -> Response {
        guard let model = req.municipalRequest, let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound()
        }
        var query = AttachmentModel.query(on: req.db).filter(\.$id == id).filter(\.$request.$id == (try model.requireID()))
        if !req.accessActor.isMinistry { query = query.filter(\.$shared == true) }
        guard let attachment = try await query.first(),
              let response = FileStore.download(sha256: attachment.sha256, filename: attachment.filename,
                                                  contentType: attachment.contentType, app: req.application)
        else { throw Problem.notFound() }
        // A file a municipality sent may hold personal information: who opened it is journaled (Loi 25).
        let number = model.number, filename = attachment.filename, actor = req.auditActor
        try await req.write { db in
            _ = try await Audit.record(on: db, actor: actor, action: "requests.attachment.read", recordType: "request", recordID: number,
                                       changes: ["attachment": .init(before: nil, after: filename)])
        }
        return response
    }
}
