import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The shared map under `/api/v1`: every action of the pages. Public works to everyone, partner
/// works to signed-in organisations and their tokens (`works:read`), internal works to their owner
/// and the ministry; a work is created and changed by its owner (`works:write`).
struct WorksAPI: Sendable {
    /// What a system sends to create or change a work: the form's names, in JSON types.
    struct Body: Decodable, Sendable {
        var titre: String?
        var description: String?
        var genre: String?
        var statut: String?
        var visibilite: String?
        var geometrie: GeoJSONGeometry?
        var debut: String?
        var fin: String?
        var debut_verifie: Bool?
        var fin_verifie: Bool?
        var voies: [String]?
        var rtss: String?
        var etat_chaussee: String?
        var voies_fermees: Int?
        var detour: String?
        var municipalite: String?
        var demande_aide: String?
        var convention: String?
        var contact_nom: String?
        var contact_courriel: String?
        var contact_telephone: String?
        var id_externe: String?
        var version: Int?

        var input: InterventionInput {
            var i = InterventionInput()
            i.titre = titre
            i.description = description
            i.genre = genre
            i.statut = statut
            i.visibilite = visibilite
            if let geometrie, let data = try? JSONEncoder().encode(geometrie) { i.geometrie = String(decoding: data, as: UTF8.self) }
            i.debut = debut
            i.fin = fin
            i.debut_verifie = debut_verifie == true ? "1" : nil
            i.fin_verifie = fin_verifie == true ? "1" : nil
            i.voies = voies?.joined(separator: "\n")
            i.rtss = rtss
            i.etat_chaussee = etat_chaussee
            i.voies_fermees = voies_fermees.map(String.init)
            i.detour = detour
            i.municipalite = municipalite
            i.demande_aide = demande_aide
            i.convention = convention
            i.contact_nom = contact_nom
            i.contact_courriel = contact_courriel
            i.contact_telephone = contact_telephone
            i.id_externe = id_externe
            i.version = version.map(String.init)
            return i
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        guard JSONResponse.isJSON(req.headers), let body = req.body.data else {
            throw Problem(.unsupportedMediaType, code: "unsupported_media_type", key: "problem.unsupported_media_type")
        }
        do { return try JSONDecoder().decode(T.self, from: body) } catch {
            throw Problem(.badRequest, code: "bad_request", key: "problem.bad_request")
        }
    }

    static func invalid(_ errors: [(field: String, key: String)]) -> Problem {
        Problem(.unprocessableEntity, code: "invalid_intervention", key: "works.error.summary",
                fields: errors.map { Problem.Field(name: $0.field, key: $0.key, arguments: [:]) })
    }

    static func problem(_ refusal: Works.Refusal) -> Problem {
        switch refusal {
        case .stale(let current):
            Problem(.conflict, code: "stale", key: "works.refusal.stale", arguments: ["version": String(current)])
        case .notOwner: Problem(.forbidden, code: "forbidden", key: "problem.forbidden")
        case .link(let field, let key): invalid([(field, key)])
        case .externalTaken: Problem(.conflict, code: "external_id_taken", key: "works.error.external_taken")
        case .pairStatus: invalid([("statut", "works.error.pair_status")])
        case .reasonRequired: invalid([("motif", "works.error.reason")])
        case .emptyComment: invalid([("commentaire", "works.error.comment")])
        }
    }

    func dto(_ m: InterventionModel, _ req: Request, pairs: [WorkPairModel]? = nil) -> InterventionDTO {
        InterventionDTO(m, pairs: pairs, workingDays: req.application.workingDays)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let filter = try WorksQueries.filter(req)
        let page = try FormInput.page(req)
        let perPage = try Pagination.perPage(req, default: 50)
        let found = try await WorksQueries.list(filter, visibility: WorksPages.visibility(req), page: page, limit: perPage, on: req.db)
        let response = try JSONResponse.json(found.rows.map { dto($0, req) })
        Pagination.decorate(response, req, page: page, perPage: perPage, total: found.total)
        return response
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let m = try await WorksPages.loaded(req)
        let pairs = try await WorksQueries.pairs(of: m, on: req.db).filter { WorksQueries.mayFollow($0, req.accessActor) }
        return try JSONResponse.json(dto(m, req, pairs: pairs))
    }

    @Sendable func kinds(_ req: Request) async throws -> Response {
        let fr = Localizer(.frCA), en = Localizer(.enCA)
        return try JSONResponse.json(WorkKind.allCases.map {
            WorkKindDTO(code: $0.rawValue, nom_fr: fr("works.kind.\($0.rawValue)"), nom_en: en("works.kind.\($0.rawValue)"))
        })
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let owner = try req.requireOrganisation()
        let input = try Self.decode(Body.self, req).input
        let defaultMunicipality = owner.kind == .municipality ? owner.territoryCode : nil
        let (checked, errors) = input.checked(territory: req.application.territory.current, defaultMunicipality: defaultMunicipality)
        guard let checked else { throw Self.invalid(errors) }
        do {
            let saved = try await Works.create(checked, owner: owner, as: req.caller)
            saved.work.$organisation.value = owner
            let pairs = try await WorksQueries.pairs(of: saved.work, on: req.db)
            let response = try JSONResponse.json(dto(saved.work, req, pairs: pairs))
            response.status = .created
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/interventions/\(saved.work.number)")
            return response
        } catch let refusal as Works.Refusal {
            throw Self.problem(refusal)
        }
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let m = try await WorksPages.loaded(req)
        let body = try Self.decode(Body.self, req)
        let (checked, errors) = body.input.checked(territory: req.application.territory.current, defaultMunicipality: nil)
        guard let checked else { throw Self.invalid(errors) }
        guard let version = body.version else { throw Self.invalid([("version", "works.error.version")]) }
        do {
            let saved = try await Works.update(m, with: checked, version: version, as: req.caller)
            let pairs = try await WorksQueries.pairs(of: saved.work, on: req.db)
            return try JSONResponse.json(dto(saved.work, req, pairs: pairs))
        } catch let refusal as Works.Refusal {
            throw Self.problem(refusal)
        }
    }

    @Sendable func pairs(_ req: Request) async throws -> Response {
        let status = try req.query[String.self, at: "statut"].map { s -> WorkPairModel.Status in
            try FormInput.oneOf("statut", s, WorkPairModel.Status.allCases.map(\.rawValue))
            return WorkPairModel.Status(rawValue: s)!
        }
        return try JSONResponse.json(try await WorksQueries.pairs(req.accessActor, status: status, on: req.db).map { WorkPairDTO($0) })
    }

    struct StatusBody: Decodable, Sendable {
        var statut: String
        var motif: String?
        var version: Int
    }

    @Sendable func setPairStatus(_ req: Request) async throws -> Response {
        let pair = try await WorksPages.loadedPair(req)
        guard WorksQueries.mayChange(pair, req.accessActor) else { throw Problem(.forbidden, code: "forbidden", key: "problem.forbidden") }
        let body = try Self.decode(StatusBody.self, req)
        guard let status = WorkPairModel.Status(rawValue: body.statut) else { throw Self.invalid([("statut", "works.error.pair_status")]) }
        do {
            try await Works.setStatus(pair, to: status, reason: (body.motif ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                                      version: body.version, as: req.caller)
        } catch let refusal as Works.Refusal {
            throw Self.problem(refusal)
        }
        return try JSONResponse.json(WorkPairDTO(pair))
    }

    struct CommentBody: Decodable, Sendable { var commentaire: String }

    @Sendable func comment(_ req: Request) async throws -> Response {
        let pair = try await WorksPages.loadedPair(req)
        let body = try Self.decode(CommentBody.self, req)
        do {
            try await Works.comment(on: pair, body: body.commentaire.trimmingCharacters(in: .whitespacesAndNewlines), as: req.caller)
        } catch let refusal as Works.Refusal {
            throw Self.problem(refusal)
        }
        let response = try JSONResponse.json(WorkPairDTO(pair))
        response.status = .created
        return response
    }
}
