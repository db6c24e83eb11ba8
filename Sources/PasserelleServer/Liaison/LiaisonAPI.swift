import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The liaison network under `/api/v1`, read-only: a municipality's system reads its entry points
/// (the same card the page shows, with the same rule: its own organisation only); the ministry's
/// reads the whole network, line by line.
struct LiaisonAPI: Sendable {
    /// `GET /api/v1/organisations/{code}/portes-entree`.
    @Sendable func entryPoints(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let points = try await LiaisonQueries.entryPoints(for: organisation, territory: req.application.territory.current, on: req.db)
        return try JSONResponse.json(EntryPointsDTO(points))
    }

    /// `GET /api/v1/reseau-liaison`: every line, regions first, then MRC, then municipalities, each by code.
    @Sendable func network(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let lines = try await LiaisonQueries.lines(on: req.db)
        let profiles = try await LiaisonQueries.profiles(on: req.db)
        let rank = { (scope: CoverageScope) in CoverageScope.allCases.firstIndex(of: scope) ?? 0 }
        let rows = lines.sorted { rank($0.coverageScope) == rank($1.coverageScope) ? $0.code < $1.code : rank($0.coverageScope) < rank($1.coverageScope) }
            .map { line in
                LineDTO(portee: line.scope, code: line.code,
                        territoire: LiaisonPages.territoryName(line.coverageScope, line.code, territory),
                        agent: LiaisonQueries.contact(line.agent, profiles).map(ContactDTO.init),
                        remplacant: LiaisonQueries.contact(line.backup ?? nil, profiles).map(ContactDTO.init),
                        version: line.version)
            }
        return try JSONResponse.json(rows)
    }
}

extension OpenAPIDocument {
    nonisolated(unsafe) static let liaisonPaths: [String: Any] = {
        let code = pathCode("^[a-z0-9-]{2,60}$", "Code de l'organisation (mun-12072, mrc-120…)")
        return [
            "/api/v1/organisations/{code}/portes-entree": securedOperation(
                "getEntryPoints", "Les portes d'entrée d'une organisation au ministère : agent de liaison, remplaçant, direction territoriale, BCAM",
                tag: "Réseau de liaison", parameters: [code], ok: plainJSON("Portes d'entrée", ref("EntryPoints"))),
            "/api/v1/reseau-liaison": securedOperation(
                "listLiaisonLines", "Le réseau de liaison : chaque territoire couvert, son agent et son remplaçant (ministère)",
                tag: "Réseau de liaison", ok: plainJSON("Lignes du réseau", ["type": "array", "items": ref("LiaisonLine")])),
        ]
    }()

    nonisolated(unsafe) static let liaisonSchemas: [String: Any] = {
        let text: [String: Any] = ["type": "string"]
        let optionalText: [String: Any] = ["type": ["string", "null"]]
        let contact: [String: Any] = ["type": "object", "required": ["nom", "courriel"], "properties": [
            "nom": text, "courriel": ["type": "string", "format": "email"], "telephone": optionalText, "titre": optionalText]]
        let office: [String: Any] = ["type": "object", "required": ["code", "nom"], "properties": [
            "code": text, "nom": text, "courriel": optionalText, "telephone": optionalText, "adresse": optionalText, "heures": optionalText]]
        return [
            "LiaisonContact": contact,
            "LiaisonOffice": office,
            "EntryPoints": ["type": "object", "required": ["organisation", "nom", "bcam"], "properties": [
                "organisation": text, "nom": text, "region": optionalText,
                "couverture": ["type": ["string", "null"], "enum": ["region", "mrc", "municipality", NSNull()]],
                "agent": ["oneOf": [ref("LiaisonContact"), ["type": "null"]]],
                "remplacant": ["oneOf": [ref("LiaisonContact"), ["type": "null"]]],
                "direction": ["oneOf": [ref("LiaisonOffice"), ["type": "null"]]],
                "bcam": ref("LiaisonOffice"),
            ]],
            "LiaisonLine": ["type": "object", "required": ["portee", "code", "version"], "properties": [
                "portee": ["type": "string", "enum": ["region", "mrc", "municipality"]], "code": text, "territoire": optionalText,
                "agent": ["oneOf": [ref("LiaisonContact"), ["type": "null"]]],
                "remplacant": ["oneOf": [ref("LiaisonContact"), ["type": "null"]]],
                "version": ["type": "integer"],
            ]],
        ]
    }()
}
