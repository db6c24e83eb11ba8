import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The agreements under `/api/v1`, read-only: a municipality's finance system reads what is signed,
/// what was paid and what is to come (each payment with both fiscal years), and the reports owed.
/// The same rules as the pages: an organisation sees its own agreements only.
struct AgreementAPI: Sendable {

    /// The agreements the caller may read, newest first, 50 a page (`etat` filters), as the page lists them.
    @Sendable func list(_ req: Request) async throws -> Response {
        let perPage = try Pagination.perPage(req, default: 50)
        let found = try await AgreementPages.listed(req, perPage: perPage)
        let response = try JSONResponse.json(found.rows.map { AgreementDTO($0, organisation: $0.organisation.code) })
        Pagination.decorate(response, req, page: found.page, perPage: perPage, total: found.total)
        return response
    }

    /// One agreement with its schedule and its reports.
    @Sendable func show(_ req: Request) async throws -> Response {
        let agreement = try await AgreementPages.loaded(req)
        let (payments, reports) = try await Agreements.schedule(of: agreement, on: req.db)
        return try JSONResponse.json(AgreementDTO(agreement, organisation: agreement.organisation.code, payments: payments, reports: reports))
    }
}

/// The agreements' part of the OpenAPI document.
extension OpenAPIDocument {
    nonisolated(unsafe) static let agreementPaths: [String: Any] = {
        let tag = "Aide financière"
        let number: [String: Any] = ["name": "numero", "in": "path", "required": true,
                                     "description": "Numéro de la convention (CA-2026-000123) ou du protocole (LP-2026-0001)",
                                     "schema": ["type": "string"]]
        return [
            "/api/v1/conventions": securedOperation(
                "listAgreements", "Les conventions et protocoles que l'appelant peut lire (un organisme : les siens), 50 par page", tag: tag,
                parameters: [query("etat", "État (awaiting_signatures, in_force, closed, cancelled)", ["type": "string"]),
                             query("page", "Page", ["type": "integer", "minimum": 1])],
                ok: plainJSON("Conventions", ["type": "array", "items": ref("Agreement")])),
            "/api/v1/conventions/{numero}": securedOperation(
                "getAgreement", "Une convention : signatures, calendrier des versements (chacun avec ses deux exercices) et rapports", tag: tag,
                parameters: [number], ok: plainJSON("Convention", ref("Agreement"))),
        ]
    }()

    nonisolated(unsafe) static let agreementSchemas: [String: Any] = {
        let cents: [String: Any] = ["type": "integer", "description": "Montant en cents"]
        let instant: [String: Any] = ["type": ["string", "null"], "format": "date-time"]
        let payment = object([
            "sequence": ["type": "integer"], "genre": ["type": "string", "enum": ["instalment", "holdback"]],
            "echeance": ["type": "string", "format": "date"], "prevu_le": ["type": "string", "format": "date"], "montant_cents": cents,
            "exercice_gouvernemental": ["type": "string", "description": "Exercice du gouvernement (1er avril – 31 mars), 2026-2027"],
            "exercice_municipal": ["type": "integer", "description": "Exercice de la municipalité (année civile)"],
            "liberation": ["type": "string", "description": "date, report:{n} (rapport d'étape n) ou final (rapport final)"],
            "etat": ["type": "string", "enum": ["planned", "awaiting_report", "due", "in_run", "paid", "failed", "cancelled"]],
            "paye_le": ["type": ["string", "null"], "format": "date"],
        ], required: ["sequence", "genre", "echeance", "montant_cents", "exercice_gouvernemental", "exercice_municipal", "etat"])
        let report = object([
            "sequence": ["type": "integer"], "final": ["type": "boolean"], "echeance": ["type": "string", "format": "date"],
            "etat": ["type": "string", "enum": ["planned", "expected", "submitted", "changes_requested", "accepted"]], "transmis_le": instant,
        ], required: ["sequence", "final", "echeance", "etat"])
        return [
            "Agreement": object([
                "numero": ["type": "string"], "genre": ["type": "string", "enum": ["convention", "protocole"]],
                "organisation": ["type": "string"], "programme": nullableString, "demande": nullableString,
                "titre": ["type": "string"], "conditions": ["type": "string"], "montant_cents": cents, "paye_cents": cents,
                "etat": ["type": "string"], "revision": ["type": "integer"],
                "signee_ministere_par": nullableString, "signee_ministere_le": instant,
                "signee_organisme_par": nullableString, "signee_organisme_le": instant,
                "versements": ["type": "array", "items": payment, "description": "Dans la réponse d'une convention seulement"],
                "rapports": ["type": "array", "items": report, "description": "Dans la réponse d'une convention seulement"],
            ], required: ["numero", "genre", "organisation", "titre", "montant_cents", "paye_cents", "etat", "revision"]),
        ]
    }()
}
