import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Drafts: saving one from the filing form, the check-your-answers page, filing it, deleting it.
enum RequestDrafts {
    /// The person's drafts, newest first, with their organisation.
    static func mine(_ req: Request) async throws -> [RequestDraftModel] {
        guard let user = req.currentUser else { return [] }
        return try await RequestDraftModel.query(on: req.db).filter(\.$person.$id == user.personID).with(\.$organisation)
            .sort(\.$updatedAt, .descending).all()
            .filter { req.allows(.create, Resource(service: .requests, ownerID: $0.$organisation.id)) }
    }

    /// The draft of the path, if it is the signed-in person's and they may still file for its organisation.
    static func load(_ req: Request) async throws -> RequestDraftModel {
        guard let user = req.currentUser, let id = req.parameters.get("brouillon").flatMap(UUID.init(uuidString:)),
              let draft = try await RequestDraftModel.query(on: req.db).filter(\.$id == id).with(\.$organisation).first(),
              draft.$person.id == user.personID else { throw Problem.notFound() }
        guard req.allows(.create, Resource(service: .requests, ownerID: draft.$organisation.id)) else {
            throw Problem(.forbidden, code: "forbidden", key: "problem.forbidden")
        }
        return draft
    }

    static func bounded(_ text: String?, _ max: Int) -> String {
        String((text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(max))
    }

    /// Saves what the form carries into the draft (new when nil), with the files already stored;
    /// `removed`: the shas of the draft's files to drop.
    static func save(_ draft: RequestDraftModel?, form: RequestQueries.FilingForm, answers: [String: [String]],
                     files: [FileStore.Blob], removed: Set<String>, organisation: OrganisationModel, as caller: Caller)
        async throws -> RequestDraftModel {
        guard let user = caller.currentUser else { throw SignInRequired() }
        let model = draft ?? RequestDraftModel()
        let before = draft.map { $0.contentJSON }
        var content = model.content
        content.description = bounded(form.description, 20_000)
        content.resolutionNumber = bounded(form.resolution_number, 40)
        content.resolutionDate = bounded(form.resolution_date, 20)
        content.latitude = bounded(form.latitude, 30)
        content.longitude = bounded(form.longitude, 30)
        content.answers = answers.mapValues { $0.map { bounded($0, RequestFieldCheck.maxText) } }
        content.files = Array((content.files.filter { !removed.contains($0.sha256) } + files).prefix(10))
        model.content = content
        model.typeCode = bounded(form.type, 60)
        model.title = bounded(form.title, 200)
        try await caller.application.write { db in
            if draft == nil {
                model.$organisation.id = try organisation.requireID()
                model.$person.id = user.personID
                model.version = 1
                try await model.create(on: db)
            } else {
                model.version += 1
                try await model.update(on: db)
            }
            try await Audit.record(on: db, actor: caller.auditActor, action: draft == nil ? "requests.draft.create" : "requests.draft.update",
                                   recordType: "request_draft", recordID: try model.requireID().uuidString,
                                   changes: ["content": .init(before: before, after: model.contentJSON),
                                             "title": .init(before: nil, after: model.title)])
        }
        return model
    }
}

extension RequestPages {
    /// The check-your-answers page of a draft.
    @Sendable func draft(_ req: Request) async throws -> Response {
        let draft = try await RequestDrafts.load(req)
        return try await draftPage(req, draft, errors: [], status: .ok)
    }

    func draftPage(_ req: Request, _ draft: RequestDraftModel, errors: FormInput.Errors, status: HTTPResponseStatus)
        async throws -> Response {
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        let l = req.localizer
        let content = draft.content
        // What would stop it from being filed, said before the button is pressed.
        let files = Set(content.files.compactMap(\.field))
        let problems = errors.isEmpty
            ? RequestQueries.validate(draft.form, types: types, answers: content.answers, files: files, filer: draft.organisation.kind).1
                .map { ($0.field, l($0.message)) }
            : errors
        return RequestViews.check(Layout(req), draft: draft, type: types.first { $0.code == draft.typeCode },
                                  problems: problems, csrf: req.currentUser?.csrfToken ?? "").page(status: status)
    }

    /// The filing form again, filled with the draft.
    @Sendable func editDraft(_ req: Request) async throws -> Response {
        let draft = try await RequestDrafts.load(req)
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        return RequestViews.form(Layout(req), organisation: draft.organisation, types: types, form: draft.form,
                                 answers: draft.content.answers, draft: draft, errors: [],
                                 maxUploadMB: req.application.settings.attachmentMaxMB, csrf: req.currentUser?.csrfToken ?? "")
            .page(status: .ok)
    }

    /// Files the draft: checked again, filed with its files, the draft gone, in one transaction.
    @Sendable func submitDraft(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let draft = try await RequestDrafts.load(req)
        let l = req.localizer
        guard (try? req.content.get(Int.self, at: "version")) == draft.version else {
            return try await draftPage(req, draft, errors: [("version", l("request.draft.stale"))], status: .conflict)
        }
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        let content = draft.content
        let (filing, errors) = RequestQueries.validate(draft.form, types: types, answers: content.answers,
                                             files: Set(content.files.compactMap(\.field)), filer: draft.organisation.kind)
        guard let filing else {
            return try await draftPage(req, draft, errors: errors.map { ($0.field, l($0.message)) }, status: .unprocessableEntity)
        }
        let organisation = draft.organisation
        let model = try await req.write { db in
            let model = try await Requests.file(filing, for: organisation, as: req.caller, on: db)
            _ = try await Attachments.join(content.files, to: model, shared: true, as: req.caller, on: db)
            try await draft.delete(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "requests.draft.file", recordType: "request_draft",
                                   recordID: try draft.requireID().uuidString, changes: ["request": .init(before: nil, after: model.number)])
            return model
        }
        return RequestViews.filed(Layout(req), model: model, type: filing.type).page(status: .created)
    }

    @Sendable func deleteDraft(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let draft = try await RequestDrafts.load(req)
        try await req.write { db in
            try await draft.delete(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "requests.draft.delete", recordType: "request_draft",
                                   recordID: try draft.requireID().uuidString,
                                   changes: ["content": .init(before: draft.contentJSON, after: nil)])
        }
        return req.redirect(to: "/accueil", redirectType: .normal)
    }
}
