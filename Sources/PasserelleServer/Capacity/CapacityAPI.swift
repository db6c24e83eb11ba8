import Foundation
import PasserelleCore
import Vapor

/// The guichet's capacity under `/api/v1`, for the ministry's own dashboards: the figures of
/// `/capacite` and of its yearly report, with the same parameters (`unite`, `du`, `au`) and the
/// same rules (the ministry only; people with too few answers are left out, never ranked).
struct CapacityAPI: Sendable {
    let pages = CapacityPages()

    /// A malformed parameter is a 400 that names it, in the caller's language.
    static func check(_ scope: CapacityPages.Scope) throws {
        guard let first = scope.problems.first else { return }
        throw Problem(.badRequest, code: "invalid_parameter", key: "problem.invalid_parameter", arguments: ["name": first.name],
                      fields: scope.problems)
    }

    /// `GET /api/v1/capacite`: by default the twelve weeks to today, with the backlog by age.
    @Sendable func figures(_ req: Request) async throws -> Response {
        let scope = try await pages.scope(req, defaultWeeks: 12)
        try Self.check(scope)
        let figures = try await CapacityQueries.figures(from: scope.from, to: scope.to, unit: try scope.unit?.requireID(), backlog: true,
                                                        today: req.application.today, language: req.localizer.language, on: req.db)
        return try JSONResponse.json(FiguresDTO(figures, unit: scope.unit?.code))
    }

    /// `GET /api/v1/capacite/bilan`: by default the last twelve whole months, beside the twelve before.
    @Sendable func report(_ req: Request) async throws -> Response {
        let (scope, current, previous) = try await pages.reportFigures(req)
        try Self.check(scope)
        return try JSONResponse.json(ReportDTO(periode: FiguresDTO(current, unit: scope.unit?.code),
                                               periode_precedente: FiguresDTO(previous, unit: scope.unit?.code)))
    }
}

extension OpenAPIDocument {
    nonisolated(unsafe) static let capacityPaths: [String: Any] = {
        let tag = "Capacité"
        let parameters = [
            query("unite", "Code de l'unité (unite-bcam, unite-dgt-…) ; toutes par défaut", ["type": "string"]),
            query("du", "Premier jour (AAAA-MM-JJ)", ["type": "string", "format": "date"]),
            query("au", "Dernier jour (AAAA-MM-JJ)", ["type": "string", "format": "date"]),
        ]
        return [
            "/api/v1/capacite": securedOperation(
                "getCapacity", "La capacité du guichet : arrivées et départs par semaine, arriérés par âge, réponses dans les délais, délais médians, satisfaction (ministère)",
                tag: tag, parameters: parameters, ok: plainJSON("Indicateurs", ref("CapacityFigures"))),
            "/api/v1/capacite/bilan": securedOperation(
                "getCapacityReport", "Le bilan annuel : une période (par défaut les douze derniers mois complets) et la précédente de même durée (ministère)",
                tag: tag, parameters: parameters, ok: plainJSON("Bilan", ref("CapacityReport"))),
        ]
    }()

    nonisolated(unsafe) static let capacitySchemas: [String: Any] = {
        let integer: [String: Any] = ["type": "integer", "minimum": 0]
        let day: [String: Any] = ["type": "string", "format": "date"]
        let rate = object(["dans_les_delais": integer, "total": integer, "pourcentage": ["type": ["number", "null"]]],
                          required: ["dans_les_delais", "total"])
        let named = object(["nom": ["type": "string"], "taux": rate], required: ["nom", "taux"])
        let period = object(["debut": day, "deposees": integer, "fermees": integer], required: ["debut", "deposees", "fermees"])
        let figures = object([
            "du": day, "au": day, "unite": nullableString, "par_mois": ["type": "boolean"],
            "deposees": integer, "fermees": integer, "periodes": ["type": "array", "items": period],
            "dans_les_delais": rate,
            "par_type": ["type": "array", "items": named], "par_unite": ["type": "array", "items": named],
            "par_personne": ["type": "array", "items": named], "personnes_sous_le_minimum": integer,
            "delai_median_reponse_jours_ouvrables": ["type": ["integer", "null"]],
            "delai_median_fermeture_jours_ouvrables": ["type": ["integer", "null"]],
            "appreciations": ["type": "object", "additionalProperties": integer, "description": "Note (1 à 5) → nombre"],
            "appreciation_moyenne": ["type": ["number", "null"]],
            "arrieres": ["type": ["array", "null"], "items": integer,
                         "description": "Demandes ouvertes sans réponse par âge en jours civils : moins de 10, 10 à 29, 30 à 89, 90 et plus"],
        ], required: ["du", "au", "par_mois", "deposees", "fermees", "periodes", "dans_les_delais", "par_type", "par_unite",
                      "par_personne", "personnes_sous_le_minimum", "appreciations"])
        return [
            "CapacityFigures": figures,
            "CapacityReport": object(["periode": ref("CapacityFigures"), "periode_precedente": ref("CapacityFigures")],
                                     required: ["periode", "periode_precedente"]),
        ]
    }()
}
