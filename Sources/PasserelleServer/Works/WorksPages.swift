import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The shared map's pages: the map and its table for everyone (public works) and richer when
/// signed in, a work and its pairs, the form of an owner, and the pairs a person follows.
struct WorksPages: Sendable {
    /// Works the map draws at most (the table pages through all of them).
    static let mapLimit = 5_000
    static let perPage = 50

    static func visibility(_ req: Request) -> WorksQueries.Visibility { WorksQueries.Visibility(req.accessActor) }

    /// Leaflet for the page, when its files are there.
    static func leaflet(_ req: Request) -> WorksViews.Leaflet? {
        LeafletFiles.available ? WorksViews.Leaflet(tiles: req.application.settings.mapTilesURL,
                                                    attribution: req.application.settings.mapTilesAttribution) : nil
    }

    /// Reads the filters from the query string; a value that is not one of the lists is refused
    /// (400), as everywhere in the API.
    static func filter(_ req: Request) throws -> WorksQueries.Filter {
        var f = WorksQueries.Filter()
        func text(_ name: String) -> String? {
            let value = (req.query[String.self, at: name] ?? "").trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        func date(_ name: String) throws -> CalendarDate? {
            guard let t = text(name) else { return nil }
            guard let d = CalendarDate(iso: t) else { throw Problem.invalidParameter(name, key: "problem.parameter.date", ["value": t]) }
            return d
        }
        f.from = try date("du")
        f.to = try date("au")
        if let k = text("genre") {
            try FormInput.oneOf("genre", k, WorkKind.allCases.map(\.rawValue))
            f.kind = WorkKind(rawValue: k)
        }
        if let s = text("statut") {
            try FormInput.oneOf("statut", s, WorkStatus.allCases.map(\.rawValue))
            f.status = WorkStatus(rawValue: s)
        }
        f.owner = text("proprietaire")
        if let r = text("region") {
            try FormInput.oneOf("region", r, OpenAPIDocument.regionCodes)
            f.region = r
        }
        f.mrc = text("mrc")
        f.municipality = text("municipalite")
        return f
    }

    /// The owner of a work, for the route policy of its changes.
    static func recordOwner(_ req: Request) async throws -> RecordOwner? {
        guard let number = req.parameters.get("numero"),
              let m = try await InterventionModel.query(on: req.db).filter(\.$number == number).first() else { return nil }
        return RecordOwner(ownerID: m.$organisation.id)
    }


    @Sendable func map(_ req: Request) async throws -> Response {
        let filter = try WorksPages.filter(req)
        let page = try FormInput.page(req)
        let visibility = Self.visibility(req)
        let drawn = try await WorksQueries.list(filter, visibility: visibility, limit: Self.mapLimit, on: req.db)
        let rows = try await WorksQueries.list(filter, visibility: visibility, page: page, limit: Self.perPage, on: req.db)
        let owners = try await WorksQueries.ownersFor(req.accessActor, on: req.db)
        let organisations = try await OrganisationModel.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        return WorksViews.map(Layout(req), filter: filter, drawn: drawn.rows, rows: rows.rows, total: rows.total, page: page,
                              perPage: Self.perPage, organisations: organisations, owners: owners, territory: req.application.territory.current,
                              signedIn: req.currentUser != nil, leaflet: Self.leaflet(req)).page(status: .ok)
    }

    @Sendable func geojson(_ req: Request) async throws -> Response {
        let filter = try Self.filter(req)
        let visibility = Self.visibility(req)
        let l = req.localizer
        let make = { () async throws -> CachedBody in
            let rows = try await WorksQueries.rows(filter, visibility: visibility, forMap: true, on: req.db)
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"interventions.geojson\"")
            return CachedBody(body: ByteBuffer(string: WorksDTO.featureCollection(rows, l: l)),
                              contentType: HTTPMediaType(type: "application", subType: "geo+json", parameters: ["charset": "utf-8"]),
                              extraHeaders: headers, maxAge: 0, language: l.language)
        }
        // Everyone who is not signed in sees the same public works: that answer is kept until a
        // work changes. Others' answers depend on who asks, and are made each time.
        guard req.currentUser == nil else {
            let response = try await make().response(for: req)
            response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
            return response
        }
        let detection = req.application.worksDetection
        return try await detection.publicAnswers.body(revision: detection.revision, key: l.language.rawValue + "?" + filter.query,
                                                      make: make).response(for: req)
    }

    @Sendable func csv(_ req: Request) async throws -> Response {
        let filter = try WorksPages.filter(req)
        let rows = try await WorksQueries.rows(filter, visibility: Self.visibility(req), on: req.db)
        return CSV.response(WorksDTO.csv(rows, l: req.localizer), filename: "interventions.csv")
    }

    /// The work named in the path, if the caller may see it (else 404: nobody learns it exists).
    static func loaded(_ req: Request) async throws -> InterventionModel {
        guard let number = req.parameters.get("numero"),
              let m = try await WorksQueries.work(number, visibility: visibility(req), actor: req.accessActor, on: req.db) else { throw Problem.notFound() }
        return m
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let m = try await Self.loaded(req)
        let mayChange = WorksAccess.mayChange(req.accessActor, owner: m.$organisation.id, on: .today)
        let pairs = try await WorksQueries.pairs(of: m, on: req.db).filter { WorksQueries.mayFollow($0, req.accessActor) }
        return WorksViews.show(Layout(req), work: m, pairs: pairs, mayChange: mayChange, saved: req.query[String.self, at: "enregistree"] == "1",
                               workingDays: req.application.workingDays).page(status: .ok)
    }

    // MARK: - The owner's form

    static func owner(_ req: Request) async throws -> OrganisationModel {
        guard let code = req.parameters.get("code"),
              let owner = try await OrganisationModel.query(on: req.db).filter(\.$code == code).first() else { throw Problem.notFound() }
        return owner
    }

    @Sendable func newForm(_ req: Request) async throws -> Response {
        let owner = try await Self.owner(req)
        var input = InterventionInput()
        input.municipalite = owner.kind == .municipality ? owner.territoryCode : nil
        return form(req, owner: owner, work: nil, input: input, errors: [], status: .ok)
    }

    func form(_ req: Request, owner: OrganisationModel, work: InterventionModel?, input: InterventionInput,
              errors: FormInput.Errors, status: HTTPResponseStatus) -> Response {
        WorksViews.form(Layout(req), owner: owner, work: work, input: input, errors: errors, csrf: req.currentUser?.csrfToken ?? "",
                        leaflet: Self.leaflet(req))
            .page(status: status)
    }

    static func messages(_ errors: [(field: String, key: String)], _ l: Localizer) -> FormInput.Errors {
        errors.map { ($0.field, l($0.key)) }
    }

    static func refusal(_ error: Works.Refusal, _ l: Localizer) -> (field: String, message: String) {
        switch error {
        case .stale: ("version", l("works.refusal.stale"))
        case .notOwner: ("titre", l("problem.forbidden"))
        case .link(let field, let key): (field, l(key))
        case .externalTaken: ("id_externe", l("works.error.external_taken"))
        case .pairStatus: ("statut", l("works.error.pair_status"))
        case .reasonRequired: ("motif", l("works.error.reason"))
        case .emptyComment: ("commentaire", l("works.error.comment"))
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let owner = try await Self.owner(req)
        let input = (try? req.content.decode(InterventionInput.self)) ?? InterventionInput()
        let defaultMunicipality = owner.kind == .municipality ? owner.territoryCode : nil
        let (checked, problems) = input.checked(territory: req.application.territory.current, defaultMunicipality: defaultMunicipality)
        guard let checked else {
            return form(req, owner: owner, work: nil, input: input, errors: Self.messages(problems, req.localizer), status: .unprocessableEntity)
        }
        do {
            let saved = try await Works.create(checked, owner: owner, as: req.caller)
            return req.redirect(to: "/interventions/\(saved.work.number)?enregistree=1", redirectType: .normal)
        } catch let refusal as Works.Refusal {
            return form(req, owner: owner, work: nil, input: input, errors: [Self.refusal(refusal, req.localizer)],
                        status: refusal == .externalTaken ? .conflict : .unprocessableEntity)
        }
    }

    @Sendable func editForm(_ req: Request) async throws -> Response {
        let m = try await Self.loaded(req)
        return form(req, owner: m.organisation, work: m, input: InterventionInput(m), errors: [], status: .ok)
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let m = try await Self.loaded(req)
        let input = (try? req.content.decode(InterventionInput.self)) ?? InterventionInput()
        let (checked, problems) = input.checked(territory: req.application.territory.current, defaultMunicipality: nil)
        guard let checked, let version = Int(input.version ?? "") else {
            let errors = Self.messages(problems, req.localizer) + (Int(input.version ?? "") == nil ? [("version", req.localizer("works.refusal.stale"))] : [])
            return form(req, owner: m.organisation, work: m, input: input, errors: errors, status: .unprocessableEntity)
        }
        do {
            _ = try await Works.update(m, with: checked, version: version, as: req.caller)
            return req.redirect(to: "/interventions/\(m.number)?enregistree=1", redirectType: .normal)
        } catch let refusal as Works.Refusal {
            var fresh = input
            if case .stale(let current) = refusal { fresh.version = String(current) }
            return form(req, owner: m.organisation, work: m, input: fresh, errors: [Self.refusal(refusal, req.localizer)],
                        status: { if case .stale = refusal { return .conflict }; return .unprocessableEntity }())
        }
    }

    // MARK: - Pairs

    @Sendable func pairs(_ req: Request) async throws -> Response {
        let status = try req.query[String.self, at: "statut"].map { s -> WorkPairModel.Status in
            try FormInput.oneOf("statut", s, WorkPairModel.Status.allCases.map(\.rawValue))
            return WorkPairModel.Status(rawValue: s)!
        }
        let pairs = try await WorksQueries.pairs(req.accessActor, status: status, on: req.db)
        return WorksViews.pairs(Layout(req), pairs: pairs, status: status).page(status: .ok)
    }

    static func loadedPair(_ req: Request) async throws -> WorkPairModel {
        guard let pair = try await WorksQueries.pair(req.parameters.get("id"), on: req.db),
              WorksQueries.mayFollow(pair, req.accessActor) else { throw Problem.notFound() }
        return pair
    }

    @Sendable func pair(_ req: Request) async throws -> Response {
        let pair = try await Self.loadedPair(req)
        return try await pairPage(req, pair, errors: [], status: .ok)
    }

    func pairPage(_ req: Request, _ pair: WorkPairModel, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let comments = try await WorksQueries.comments(of: pair, on: req.db)
        return WorksViews.pair(Layout(req), pair: pair, comments: comments, mayChange: WorksQueries.mayChange(pair, req.accessActor),
                               errors: errors, csrf: req.currentUser?.csrfToken ?? "").page(status: status)
    }

    struct StatusForm: Content {
        var statut: String?
        var motif: String?
        var version: String?
    }

    @Sendable func setPairStatus(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let pair = try await Self.loadedPair(req)
        guard WorksQueries.mayChange(pair, req.accessActor) else { throw Problem(.forbidden, code: "forbidden", key: "problem.forbidden") }
        let form = (try? req.content.decode(StatusForm.self)) ?? StatusForm()
        guard let status = WorkPairModel.Status(rawValue: form.statut ?? ""), let version = Int(form.version ?? "") else {
            return try await pairPage(req, pair, errors: [("statut", req.localizer("works.error.pair_status"))], status: .unprocessableEntity)
        }
        do {
            try await Works.setStatus(pair, to: status, reason: (form.motif ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                                      version: version, as: req.caller)
        } catch let refusal as Works.Refusal {
            return try await pairPage(req, pair, errors: [Self.refusal(refusal, req.localizer)],
                                      status: { if case .stale = refusal { return .conflict }; return .unprocessableEntity }())
        }
        return req.redirect(to: "/interventions/paires/\(pair.id!.uuidString)", redirectType: .normal)
    }

    struct CommentForm: Content { var commentaire: String? }

    @Sendable func comment(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let pair = try await Self.loadedPair(req)
        let body = ((try? req.content.decode(CommentForm.self))?.commentaire ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try await Works.comment(on: pair, body: body, as: req.caller)
        } catch let refusal as Works.Refusal {
            return try await pairPage(req, pair, errors: [Self.refusal(refusal, req.localizer)], status: .unprocessableEntity)
        }
        return req.redirect(to: "/interventions/paires/\(pair.id!.uuidString)#commentaires", redirectType: .normal)
    }
}
