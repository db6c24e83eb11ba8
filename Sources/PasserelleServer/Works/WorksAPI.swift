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
        let filter = try WorksPages.filter(req)
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

/// The shared map's part of the OpenAPI document.
extension OpenAPIDocument {
    /// A write operation: its body, its answers (201 or 200, 409 and 422 among them).
    static func worksWrite(_ id: String, _ summary: String, parameters: [[String: Any]], body: [String: Any],
                           ok: [String: Any], status: String) -> [String: Any] {
        ["operationId": id, "summary": summary, "tags": ["Interventions"],
         "security": [["bearer": [] as [String]], ["session": [] as [String]]],
         "parameters": parameters + [["$ref": "#/components/parameters/lang"]],
         "requestBody": ["required": true, "content": ["application/json": ["schema": body]]],
         "responses": [status: ok, "400": ["$ref": "#/components/responses/Problem"],
                       "401": ["$ref": "#/components/responses/Problem"], "403": ["$ref": "#/components/responses/Problem"],
                       "404": ["$ref": "#/components/responses/Problem"], "409": ["$ref": "#/components/responses/Problem"],
                       "415": ["$ref": "#/components/responses/Problem"], "422": ["$ref": "#/components/responses/Problem"]]]
    }

    nonisolated(unsafe) static let worksPaths: [String: Any] = {
        let tag = "Interventions"
        let number: [String: Any] = ["name": "numero", "in": "path", "required": true, "description": "Numéro (IV-2026-000123)",
                                     "schema": ["type": "string"]]
        let pairID: [String: Any] = ["name": "id", "in": "path", "required": true, "description": "Identifiant de la paire",
                                     "schema": ["type": "string", "format": "uuid"]]
        let code: [String: Any] = ["name": "code", "in": "path", "required": true,
                                   "description": "Code de l'organisation propriétaire (mun-12072, unite-dgt-est)", "schema": ["type": "string"]]
        let filters: [[String: Any]] = [
            query("du", "Interventions en cours ce jour ou après (AAAA-MM-JJ)", ["type": "string", "format": "date"]),
            query("au", "Interventions commencées ce jour ou avant", ["type": "string", "format": "date"]),
            query("genre", "Genre de travaux", ["type": "string", "enum": WorkKind.allCases.map(\.rawValue)]),
            query("statut", "État", ["type": "string", "enum": WorkStatus.allCases.map(\.rawValue)]),
            query("proprietaire", "Code de l'organisation propriétaire", ["type": "string"]),
            query("region", "Code de région", ["type": "string", "enum": regionCodes]),
            query("mrc", "Code de MRC", ["type": "string"]),
            query("municipalite", "Code géographique de la municipalité", ["type": "string"]),
        ]
        var list = securedOperation("listInterventions", "Les interventions que l'appelant peut voir (publiques pour tous; partenaires et internes selon l'organisation), par date de début, 50 par page",
                                    tag: tag, parameters: filters, ok: plainJSON("Interventions", ["type": "array", "items": ref("Intervention")]))
        if var get = list["get"] as? [String: Any] { get.removeValue(forKey: "security"); list["get"] = get }
        var show = securedOperation("getIntervention", "Une intervention, avec ses conflits et occasions que l'appelant suit", tag: tag,
                                    parameters: [number], ok: plainJSON("Intervention", ref("Intervention")))
        if var get = show["get"] as? [String: Any] { get.removeValue(forKey: "security"); show["get"] = get }
        show["put"] = worksWrite("updateIntervention", "Modifier une intervention (portée works:write; le propriétaire seulement; version lue, sinon 409)",
                                 parameters: [number], body: ref("InterventionInput"), ok: plainJSON("Intervention", ref("Intervention")), status: "200")
        let create = ["post": worksWrite("createIntervention", "Planifier une intervention de l'organisation (portée works:write); ses conflits et occasions sont dans la réponse",
                                         parameters: [code], body: ref("InterventionInput"), ok: plainJSON("Intervention", ref("Intervention")), status: "201")]
        var kinds = operation("listWorkKinds", "Les genres de travaux (codes du champ genre)",
                              ok: plainJSON("Genres", ["type": "array", "items": ref("WorkKind")]))
        if var get = kinds["get"] as? [String: Any] { get["tags"] = [tag]; kinds["get"] = get }
        let status = ["post": worksWrite("setWorkPairStatus", "Le suivi d'un conflit ou d'une occasion (nouveau, vu, coordonné, écarté avec motif), par un des deux propriétaires",
                                         parameters: [pairID], body: object(["statut": ["type": "string", "enum": WorkPairModel.Status.allCases.map(\.rawValue)],
                                                                             "motif": ["type": "string", "maxLength": 2000], "version": ["type": "integer"]],
                                                                            required: ["statut", "version"]),
                                         ok: plainJSON("Paire", ref("WorkPair")), status: "200")]
        let comment = ["post": worksWrite("commentWorkPair", "Commenter un conflit ou une occasion", parameters: [pairID],
                                          body: object(["commentaire": ["type": "string", "minLength": 1, "maxLength": 5000]], required: ["commentaire"]),
                                          ok: plainJSON("Paire", ref("WorkPair")), status: "201")]
        return [
            "/api/v1/interventions": list,
            "/api/v1/interventions/genres": kinds,
            "/api/v1/interventions/{numero}": show,
            "/api/v1/organisations/{code}/interventions": create,
            "/api/v1/interventions/paires": securedOperation(
                "listWorkPairs", "Les conflits et occasions actifs qui touchent les organisations de l'appelant", tag: tag,
                parameters: [query("statut", "État du suivi", ["type": "string", "enum": WorkPairModel.Status.allCases.map(\.rawValue)])],
                ok: plainJSON("Paires", ["type": "array", "items": ref("WorkPair")])),
            "/api/v1/interventions/paires/{id}/statut": status,
            "/api/v1/interventions/paires/{id}/commentaires": comment,
        ]
    }()

    nonisolated(unsafe) static let worksSchemas: [String: Any] = {
        let instant: [String: Any] = ["type": ["string", "null"], "format": "date-time"]
        let geometry = object(["type": ["type": "string", "enum": Geometry.typeNames],
                               "coordinates": ["type": "array", "items": [String: Any](),
                                               "description": "Coordonnées GeoJSON (RFC 7946), longitude d'abord, en WGS 84 : une position (deux nombres) pour un Point, une liste de positions pour une LineString, une liste de listes pour une MultiLineString ou un Polygon"]],
                              required: ["type", "coordinates"])
        let nullableInt: [String: Any] = ["type": ["integer", "null"]]
        let pair = object([
            "id": ["type": "string", "format": "uuid"], "version": ["type": "integer"],
            "genre": ["type": "string", "enum": ["conflict", "opportunity"]],
            "ecart_jours": ["type": "integer", "description": "Jours entre la fin de l'une et le début de l'autre (0 : conflit)"],
            "statut": ["type": "string", "enum": WorkPairModel.Status.allCases.map(\.rawValue)], "motif": ["type": "string"],
            "actif": ["type": "boolean"], "interventions": ["type": "array", "items": ["type": "string"]],
            "proprietaires": ["type": "array", "items": ["type": "string"]], "detectee_le": instant,
        ], required: ["id", "version", "genre", "ecart_jours", "statut", "motif", "actif", "interventions", "proprietaires"])
        let bound: [String: Any] = ["type": "string", "description": "AAAA-MM-JJ (fin incluse) ou horodatage RFC 3339 (fin exclue), tel que donné"]
        return [
            "WorkPair": pair,
            "WorkKind": object(["code": ["type": "string"], "nom_fr": ["type": "string"], "nom_en": ["type": "string"]],
                               required: ["code", "nom_fr", "nom_en"]),
            "GeoJSONGeometry": geometry,
            "Intervention": object([
                "numero": ["type": "string"], "version": ["type": "integer"], "proprietaire": ["type": "string"],
                "proprietaire_nom": ["type": "string"], "titre": ["type": "string"], "description": ["type": "string"],
                "genre": ["type": "string", "enum": WorkKind.allCases.map(\.rawValue)],
                "statut": ["type": "string", "enum": WorkStatus.allCases.map(\.rawValue)],
                "visibilite": ["type": "string", "enum": WorkVisibility.allCases.map(\.rawValue)],
                "categorie": ["type": "string", "enum": WorkCategory.allCases.map(\.rawValue)],
                "geometrie": ref("GeoJSONGeometry"), "debut": bound, "fin": bound,
                "debut_verifie": ["type": "boolean"], "fin_verifie": ["type": "boolean"],
                "premier_jour": ["type": "string", "format": "date"], "dernier_jour": ["type": "string", "format": "date"],
                "voies": ["type": "array", "items": ["type": "string"]], "rtss": nullableString,
                "etat_chaussee": ["type": "string", "enum": RoadState.allCases.map(\.rawValue)], "voies_fermees": nullableInt,
                "detour": ["type": "string"], "municipalite": nullableString, "mrc": nullableString, "region": nullableString,
                "demande_aide": nullableString, "convention": nullableString, "contact_nom": ["type": "string"],
                "contact_courriel": ["type": "string"], "contact_telephone": ["type": "string"], "id_externe": nullableString,
                "preavis_avant": ["type": "string", "format": "date", "description": "Dernier jour pour donner le préavis de sa catégorie"],
                "cree_le": instant, "modifie_le": instant,
                "paires": ["type": "array", "items": ref("WorkPair"), "description": "Dans la réponse d'une intervention seulement"],
            ], required: ["numero", "version", "proprietaire", "titre", "genre", "statut", "visibilite", "categorie", "geometrie",
                          "debut", "fin", "premier_jour", "dernier_jour", "etat_chaussee"]),
            "InterventionInput": object([
                "titre": ["type": "string", "minLength": 1, "maxLength": 200], "description": ["type": "string", "maxLength": 20000],
                "genre": ["type": "string", "enum": WorkKind.allCases.map(\.rawValue)],
                "statut": ["type": "string", "enum": WorkStatus.allCases.map(\.rawValue)],
                "visibilite": ["type": "string", "enum": WorkVisibility.allCases.map(\.rawValue)],
                "geometrie": ref("GeoJSONGeometry"), "debut": bound, "fin": bound,
                "debut_verifie": ["type": "boolean"], "fin_verifie": ["type": "boolean"],
                "voies": ["type": "array", "items": ["type": "string", "maxLength": 120], "maxItems": 20],
                "rtss": ["type": "string", "maxLength": 40], "etat_chaussee": ["type": "string", "enum": RoadState.allCases.map(\.rawValue)],
                "voies_fermees": ["type": "integer", "minimum": 0, "maximum": 12], "detour": ["type": "string", "maxLength": 2000],
                "municipalite": ["type": "string", "pattern": "^[0-9]{5}$"], "demande_aide": ["type": "string"], "convention": ["type": "string"],
                "contact_nom": ["type": "string", "maxLength": 200], "contact_courriel": ["type": "string", "maxLength": 200],
                "contact_telephone": ["type": "string", "maxLength": 40], "id_externe": ["type": "string", "maxLength": 100],
                "version": ["type": "integer", "description": "Pour une modification : la version lue"],
            ], required: ["titre", "geometrie", "debut", "fin"]),
        ]
    }()
}
