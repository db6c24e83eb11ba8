import Foundation

/// The SGAF's part of the OpenAPI document.
extension OpenAPIDocument {
    static func post(_ id: String, _ summary: String, tag: String, parameters: [[String: Any]], body: [String: Any],
                     ok: [String: Any], created: Bool = false) -> [String: Any] {
        var responses: [String: Any] = [created ? "201" : "200": ok]
        for status in ["400", "401", "403", "404", "409", "422"] { responses[status] = ["$ref": "#/components/responses/Problem"] }
        return ["post": ["operationId": id, "summary": summary, "tags": [tag],
                         "security": [["bearer": [] as [String]], ["session": [] as [String]]],
                         "parameters": parameters + [["$ref": "#/components/parameters/lang"]],
                         "requestBody": ["required": true, "content": ["application/json": ["schema": body]]],
                         "responses": responses]]
    }

    static func openOperation(_ id: String, _ summary: String, parameters: [[String: Any]] = [], ok: [String: Any]) -> [String: Any] {
        ["get": ["operationId": id, "summary": summary, "tags": ["Aide financière"],
                 "parameters": parameters + [["$ref": "#/components/parameters/lang"]],
                 "responses": ["200": ok, "404": ["$ref": "#/components/responses/Problem"]]]]
    }

    nonisolated(unsafe) static let grantPaths: [String: Any] = {
        let tag = "Aide financière"
        let number: [String: Any] = ["name": "numero", "in": "path", "required": true, "description": "Numéro (AF-2026-000123)",
                                     "schema": ["type": "string", "pattern": "^AF-[0-9]{4}-[0-9]{6}$"]]
        let program: [String: Any] = ["name": "programme", "in": "path", "required": true, "description": "Code du programme (paffsr, tapu…)",
                                      "schema": ["type": "string"]]
        let call: [String: Any] = ["name": "appel", "in": "path", "required": true, "description": "Code de l'appel (paffsr-2026)",
                                   "schema": ["type": "string"]]
        let organisation: [String: Any] = ["name": "code", "in": "path", "required": true, "description": "Code de l'organisme demandeur (mun-48028)",
                                           "schema": ["type": "string"]]
        let cents: [String: Any] = ["type": "integer", "description": "Montant en cents"]
        let line = object(["libelle": ["type": "string", "maxLength": 200], "montant_cents": cents,
                           "public": ["type": "boolean", "description": "Aide publique (compte dans le cumul des aides)"]],
                          required: ["libelle", "montant_cents"])
        let version = object(["version": ["type": "integer"]], required: ["version"])
        return [
            "/api/v1/programmes": openOperation("listPrograms", "Les programmes d'aide financière",
                                                ok: plainJSON("Programmes", ["type": "array", "items": ref("GrantProgram")])),
            "/api/v1/programmes/{programme}": openOperation("getProgram", "Un programme : règles, taux, plafond, admissibilité, documents, grille, questions, processus",
                                                            parameters: [program], ok: plainJSON("Programme", ref("GrantProgram"))),
            "/api/v1/appels/{appel}": openOperation("getCall", "Un appel de projets (ouverture et fermeture à la minute, heure du Québec)",
                                                    parameters: [call], ok: plainJSON("Appel", ref("GrantCall"))),
            "/api/v1/appels/{appel}/classement": securedOperation(
                "rankCall", "Le classement d'un appel dans son enveloppe, avec la ligne de coupure (Ministère)", tag: tag, parameters: [call],
                ok: plainJSON("Classement", ref("GrantRanking"))),
            "/api/v1/organisations/{code}/demandes-aide": post(
                "applyForAid", "Créer une demande d'aide (brouillon), et la déposer si deposer est vrai (portée grants:write)", tag: tag,
                parameters: [organisation],
                body: object([
                    "appel": ["type": "string", "description": "Code de l'appel (ou programme, pour un programme à demandes continues)"],
                    "programme": ["type": "string"],
                    "titre": ["type": "string", "maxLength": 200], "resume": ["type": "string", "maxLength": 20000],
                    "reponses": ["type": "object", "description": "Réponses aux questions du programme, par code",
                                 "additionalProperties": ["oneOf": [["type": "string"], ["type": "number"], ["type": "array", "items": ["type": "string"]]]]],
                    "couts": ["type": "array", "items": line], "financements": ["type": "array", "items": line],
                    "montant_demande_cents": ["type": "integer", "description": "Vide : l'aide maximale calculée (taux, plafond, cumul)"],
                    "co_demandeurs": ["type": "array", "items": ["type": "string"], "description": "Codes des codemandeurs"],
                    "documents": ["type": "array", "items": object(["exigence": ["type": "string"], "nom": ["type": "string"],
                                                                    "contenu_base64": ["type": "string"]],
                                                                   required: ["exigence", "nom", "contenu_base64"])],
                    "deposer": ["type": "boolean"],
                ], required: ["titre", "resume", "couts"]),
                ok: plainJSON("Demande créée", ref("GrantApplication")), created: true),
            "/api/v1/demandes-aide": securedOperation(
                "listGrantApplications", "Les demandes d'aide que l'appelant peut lire, 50 par page", tag: tag,
                parameters: [query("programme", "Code du programme", ["type": "string"]), query("appel", "Code de l'appel", ["type": "string"]),
                             query("phase", "Étape (draft, in_evaluation, approved…)", ["type": "string"]),
                             query("q", "Recherche (numéro, titre, description, organisme)", ["type": "string"]),
                             query("page", "Page", ["type": "integer", "minimum": 1])],
                ok: plainJSON("Demandes", ["type": "array", "items": ref("GrantApplication")])),
            "/api/v1/demandes-aide/{numero}": securedOperation("getGrantApplication", "Une demande d'aide", tag: tag, parameters: [number],
                                                               ok: plainJSON("Demande", ref("GrantApplication"))),
            "/api/v1/demandes-aide/{numero}/depot": post(
                "submitGrantApplication", "Déposer un brouillon (ou le déposer de nouveau après des modifications demandées)", tag: tag,
                parameters: [number], body: version, ok: plainJSON("Demande", ref("GrantApplication"))),
            "/api/v1/demandes-aide/{numero}/evaluateurs": post(
                "assignEvaluator", "Assigner un évaluateur (refusé en cas de conflit d'intérêts)", tag: tag, parameters: [number],
                body: object(["evaluateur": ["type": "string", "format": "email"]], required: ["evaluateur"]),
                ok: plainJSON("Demande", ref("GrantApplication"))),
            "/api/v1/demandes-aide/{numero}/evaluation": post(
                "scoreGrantApplication", "Les notes de l'évaluateur assigné, une par critère de la grille", tag: tag, parameters: [number],
                body: object(["notes": ["type": "object", "additionalProperties": object(["note": ["type": "integer"], "commentaire": ["type": "string"]],
                                                                                          required: ["note"])]], required: ["notes"]),
                ok: plainJSON("Demande", ref("GrantApplication"))),
            "/api/v1/demandes-aide/{numero}/decision": post(
                "decideGrantApplication", "Accepter (montant), refuser (motifs) ou mettre en liste d'attente; au-delà de la délégation de signature, une deuxième approbation est requise",
                tag: tag, parameters: [number],
                body: object(["decision": ["type": "string", "enum": ["approve", "refuse", "waitlist"]], "montant_cents": cents,
                              "motifs": ["type": "string"], "version": ["type": "integer"]], required: ["decision", "version"]),
                ok: plainJSON("Demande", ref("GrantApplication"))),
            "/api/v1/demandes-aide/{numero}/approbation": post(
                "approveGrantDecision", "La deuxième approbation, par une autre personne dont la délégation couvre le montant", tag: tag,
                parameters: [number], body: version, ok: plainJSON("Demande", ref("GrantApplication"))),
        ]
    }()

    nonisolated(unsafe) static let grantSchemas: [String: Any] = [
        "GrantProgram": object([
            "code": ["type": "string"], "nom": ["type": "string"], "objectifs": ["type": "string"], "regles": ["type": "string"],
            "mesure": nullableString, "attribution": ["type": "string", "enum": ["competitive", "continuous", "formula"]],
            "taux_points_base": ["type": "integer", "description": "5000 = 50 %"], "plafond_cents": ["type": "integer"],
            "cumul_points_base": ["type": ["integer", "null"]], "admissibles": ["type": "array", "items": ["type": "string"]],
            "regions": ["type": "array", "items": ["type": "string"]], "depenses_minimales_cents": ["type": "integer"],
            "documents": ["type": "array", "items": object(["code": ["type": "string"], "nom": ["type": "string"]], required: ["code", "nom"])],
            "grille": ["type": "array", "items": object(["code": ["type": "string"], "nom": ["type": "string"], "poids": ["type": "integer"],
                                                         "note_max": ["type": "integer"]], required: ["code", "nom", "poids", "note_max"])], "champs": ["type": "array", "items": ref("GrantQuestion")], "processus": ref("GrantWorkflow"),
        ], required: ["code", "nom", "attribution", "taux_points_base", "plafond_cents"]),
        "GrantQuestion": object([
            "code": ["type": "string"],
            "genre": ["type": "string", "enum": ["text", "number", "date", "choice", "multiple", "location", "file"]],
            "libelle": ["type": "string"], "aide": ["type": "string"], "obligatoire": ["type": "boolean"],
            "options": ["type": "array", "items": object(["code": ["type": "string"], "libelle": ["type": "string"]], required: ["code", "libelle"])],
        ], required: ["code", "genre", "libelle", "aide", "obligatoire", "options"]),
        "GrantWorkflow": object([
            "code": ["type": "string"], "version": ["type": "integer"], "initiale": ["type": "string"],
            "phases": ["type": "array", "items": object(["code": ["type": "string"], "nom": ["type": "string"], "finale": ["type": "boolean"],
                                                          "modifiable_par_le_demandeur": ["type": "boolean"]],
                                                         required: ["code", "nom", "finale", "modifiable_par_le_demandeur"])],
            "transitions": ["type": "array", "items": object(["evenement": ["type": "string"], "de": ["type": "array", "items": ["type": "string"]],
                                                               "vers": ["type": "string"], "par": ["type": "array", "items": ["type": "string"]]],
                                                              required: ["evenement", "de", "vers", "par"])],
        ], required: ["code", "version", "initiale", "phases", "transitions"]),
        "GrantBudget": object([
            "couts": ["type": "array", "items": ref("GrantBudgetLine")], "financements": ["type": "array", "items": ref("GrantBudgetLine")],
            "montant_demande_cents": ["type": "integer"],
        ], required: ["couts", "financements", "montant_demande_cents"]),
        "GrantBudgetLine": object(["libelle": ["type": "string"], "montant_cents": ["type": "integer"], "public": ["type": "boolean"]],
                                  required: ["libelle", "montant_cents", "public"]),
        "GrantCall": object([
            "code": ["type": "string"], "programme": ["type": "string"], "titre": ["type": "string"],
            "ouverture": ["type": "string", "format": "date-time"], "fermeture": ["type": "string", "format": "date-time"],
            "ouvert": ["type": "boolean"], "exercice": ["type": "string"],
        ], required: ["code", "programme", "ouverture", "fermeture", "ouvert"]),
        "GrantApplication": object([
            "numero": ["type": "string"], "programme": ["type": "string"], "appel": nullableString, "organisation": ["type": "string"],
            "titre": ["type": "string"], "resume": ["type": "string"], "phase": ["type": "string"], "phase_nom": ["type": "string"],
            "reponses": ["type": "object"], "depenses_admissibles_cents": ["type": "integer"], "montant_demande_cents": ["type": "integer"],
            "budget": ref("GrantBudget"), "admissibilite": ["type": "array", "items": object(["regle": ["type": "string"], "motif": ["type": "string"]],
                                                                                            required: ["regle", "motif"])],
            "note": nullableString, "deposee_le": ["type": ["string", "null"], "format": "date-time"], "par_mandataire": ["type": "boolean"],
            "langue": ["type": "string"], "version": ["type": "integer"],
        ], required: ["numero", "programme", "organisation", "phase", "montant_demande_cents", "version"]),
        "GrantRanking": object([
            "appel": ["type": "string"], "exercice": ["type": "string"], "disponible_cents": ["type": "integer"],
            "classement": ["type": "array", "items": object([
                "rang": ["type": "integer"], "numero": ["type": "string"], "organisation": ["type": "string"], "titre": ["type": "string"],
                "note": ["type": "string"], "montant_cents": ["type": "integer"], "cumul_cents": ["type": "integer"],
                "finance": ["type": "boolean"], "departage": ["type": ["integer", "null"], "description": "Règle de départage (1 à 4)"],
                "phase": ["type": "string"],
            ], required: ["rang", "numero", "finance"])],
        ], required: ["appel", "disponible_cents", "classement"]),
    ]
}
