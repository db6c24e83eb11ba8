import Foundation
import Vapor

/// The OpenAPI 3.1 document of `/api/v1`, kept beside the routes it describes. A test fails when an
/// API route is missing from it.
enum OpenAPIDocument {
    static func document() -> [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Passerelle API",
                "version": "1.0.0",
                "description": "API de Passerelle : répertoire du territoire (régions, MRC, municipalités), identité et accès, guichet des demandes, aide financière (SGAF), conventions, réseau de liaison et capacité. Erreurs en application/problem+json (RFC 9457), dans la langue demandée (lang, Accept-Language).",
                "license": ["name": "Données : CC BY 4.0 (MAMH, Répertoire des municipalités)", "identifier": "CC-BY-4.0"],
            ],
            "servers": [["url": "/"]],
            "paths": withRulesAnswers(paginated(paths.merging(identityPaths) { a, _ in a }.merging(requestPaths) { a, _ in a }
                .merging(grantPaths) { a, _ in a }.merging(agreementPaths) { a, _ in a }.merging(liaisonPaths) { a, _ in a }
                .merging(capacityPaths) { a, _ in a }.merging(worksPaths) { a, _ in a })),
            "components": allComponents,
        ]
    }

    /// Every operation may answer 400: `APIRules` holds every call's query string to its rules.
    static func withRulesAnswers(_ paths: [String: Any]) -> [String: Any] {
        paths.mapValues { item in
            guard var operations = item as? [String: Any] else { return item }
            for (method, value) in operations {
                guard var operation = value as? [String: Any], var responses = operation["responses"] as? [String: Any] else { continue }
                if responses["400"] == nil { responses["400"] = ["$ref": "#/components/responses/Problem"] }
                operation["responses"] = responses
                operations[method] = operation
            }
            return operations
        }
    }

    /// The lists that page (`Pagination`): `page`, `per_page`, and `Link` and `X-Total-Count` on their answer.
    static let pagedLists = ["/api/v1/demandes", "/api/v1/demandes-aide", "/api/v1/conventions", "/api/v1/journal", "/api/v1/interventions"]

    static func paginated(_ paths: [String: Any]) -> [String: Any] {
        var all = paths
        for path in pagedLists {
            guard var item = all[path] as? [String: Any], var get = item["get"] as? [String: Any] else { continue }
            var parameters = get["parameters"] as? [[String: Any]] ?? []
            let names = Set(parameters.compactMap { $0["name"] as? String })
            if !names.contains("page") { parameters.append(query("page", "Page (à partir de 1)", ["type": "integer", "minimum": 1])) }
            if !names.contains("per_page") {
                parameters.append(query("per_page", "Résultats par page (1 à 100)", ["type": "integer", "minimum": 1, "maximum": 100]))
            }
            get["parameters"] = parameters
            if var responses = get["responses"] as? [String: Any], var ok = responses["200"] as? [String: Any] {
                var headers = ok["headers"] as? [String: Any] ?? [:]
                headers["Link"] = ["description": "Liens first, prev, next, last (RFC 8288)", "schema": ["type": "string"]]
                headers["X-Total-Count"] = ["description": "Nombre total de résultats", "schema": ["type": "integer"]]
                ok["headers"] = headers
                responses["200"] = ok
                get["responses"] = responses
            }
            item["get"] = get
            all[path] = item
        }
        return all
    }

    /// The components, with each module's schemas.
    static var allComponents: [String: Any] {
        var all = components
        var schemas = all["schemas"] as? [String: Any] ?? [:]
        schemas.merge(grantSchemas) { a, _ in a }
        schemas.merge(agreementSchemas) { a, _ in a }
        schemas.merge(liaisonSchemas) { a, _ in a }
        schemas.merge(capacitySchemas) { a, _ in a }
        schemas.merge(worksSchemas) { a, _ in a }
        all["schemas"] = schemas
        return all
    }

    static let documentData: Data = {
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }()

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    static func jsonResponse(_ description: String, _ schema: [String: Any], headers: [String: Any] = [:]) -> [String: Any] {
        var response: [String: Any] = ["description": description, "content": ["application/json": ["schema": schema]]]
        var allHeaders: [String: Any] = ["ETag": ["$ref": "#/components/headers/ETag"]]
        allHeaders.merge(headers) { $1 }
        response["headers"] = allHeaders
        return response
    }

    nonisolated(unsafe) static let problemResponses: [String: Any] = [
        "304": ["description": "Non modifié (If-None-Match)"],
        "400": ["$ref": "#/components/responses/Problem"],
        "404": ["$ref": "#/components/responses/Problem"],
    ]

    static func operation(_ id: String, _ summary: String, parameters: [[String: Any]] = [],
                          ok: [String: Any]) -> [String: Any] {
        var responses = problemResponses
        responses["200"] = ok
        return ["get": ["operationId": id, "summary": summary, "tags": ["Territoire"],
                        "parameters": parameters + [["$ref": "#/components/parameters/lang"]], "responses": responses]]
    }

    static func pathCode(_ pattern: String, _ description: String) -> [String: Any] {
        ["name": "code", "in": "path", "required": true, "description": description,
         "schema": ["type": "string", "pattern": pattern]]
    }

    /// An optional query parameter. Given, it may not be empty (`APIRules`): a free text gets
    /// `minLength: 1`, a code its pattern or its list.
    static func query(_ name: String, _ description: String, _ schema: [String: Any]) -> [String: Any] {
        var schema = schema
        if schema["type"] as? String == "string", schema["pattern"] == nil, schema["enum"] == nil, schema["format"] == nil,
           schema["minLength"] == nil {
            schema["minLength"] = 1
        }
        return ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
    }

    /// The 17 administrative regions' codes, 01 to 17.
    static let regionCodes = (1...17).map { String(format: "%02d", $0) }

    nonisolated(unsafe) static let paths: [String: Any] = [
        "/api/v1/regions": operation("listRegions", "Les 17 régions administratives",
                                     ok: jsonResponse("Régions", ["type": "array", "items": ref("Region")])),
        "/api/v1/regions/{code}": operation("getRegion", "Une région et ses MRC",
                                            parameters: [pathCode("^[0-9]{2}$", "Code de la région (2 chiffres)")],
                                            ok: jsonResponse("Région", ref("RegionDetail"))),
        "/api/v1/mrc": operation("listMRC", "Les MRC et territoires équivalents",
                                 parameters: [query("region", "Code de région (2 chiffres)", ["type": "string", "enum": regionCodes])],
                                 ok: jsonResponse("MRC", ["type": "array", "items": ref("MRC")])),
        "/api/v1/mrc/{code}": operation("getMRC", "Une MRC (ou territoire équivalent) et ses municipalités",
                                        parameters: [pathCode("^[0-9]{2,3}$", "Code de la MRC (3 chiffres) ou de la division de recensement (2 chiffres)")],
                                        ok: jsonResponse("MRC", ref("MRCDetail"))),
        "/api/v1/municipalites": operation(
            "listMunicipalities", "Recherche et liste paginée des municipalités",
            parameters: [
                query("q", "Nom (accents, casse, traits d'union et saint/sainte/st/ste indifférents; préfixes acceptés) ou code géographique",
                      ["type": "string", "maxLength": 100]),
                query("region", "Code de région", ["type": "string", "enum": regionCodes]),
                query("mrc", "Code de MRC ou de territoire équivalent", ["type": "string", "pattern": "^[0-9]{2,3}$"]),
                query("designation", "Code de désignation", ["type": "string", "pattern": "^[0-9]{2}$"]),
                query("statut", "actif (défaut), inactif ou tous", ["type": "string", "enum": ["actif", "inactif", "tous"]]),
                query("page", "Page (à partir de 1)", ["type": "integer", "minimum": 1, "default": 1]),
                query("per_page", "Éléments par page (1 à 100; au-delà : 400)", ["type": "integer", "minimum": 1, "maximum": 100, "default": 20]),
            ],
            ok: jsonResponse("Une page de municipalités", ref("MunicipalityList"), headers: [
                "Link": ["description": "Liens first, prev, next, last (RFC 8288)", "schema": ["type": "string"]],
                "X-Total-Count": ["description": "Nombre total de résultats", "schema": ["type": "integer"]],
            ])),
        "/api/v1/municipalites/{code}": operation("getMunicipality", "Une municipalité : toutes les colonnes du Répertoire",
                                                  parameters: [pathCode("^[0-9]{5}$", "Code géographique (5 chiffres)")],
                                                  ok: jsonResponse("Municipalité", ref("Municipality"))),
        "/api/v1/openapi.json": ["get": ["operationId": "getOpenAPI", "summary": "Ce document", "tags": ["Méta"],
                                         "responses": ["200": ["description": "OpenAPI 3.1",
                                                               "content": ["application/json": ["schema": ["type": "object"]]]]]]],
    ]

    nonisolated(unsafe) static let reference: [String: Any] = ["type": "object", "required": ["code", "nom"],
                                           "properties": ["code": ["type": "string"], "nom": ["type": "string"]]]

    /// Operations that need credentials: a session cookie or `Authorization: Bearer` with an API
    /// token (created on /mon-compte/jetons).
    static func securedOperation(_ id: String, _ summary: String, tag: String, parameters: [[String: Any]] = [],
                                 ok: [String: Any]) -> [String: Any] {
        ["get": ["operationId": id, "summary": summary, "tags": [tag],
                 "security": [["bearer": [] as [String]], ["session": [] as [String]]],
                 "parameters": parameters + [["$ref": "#/components/parameters/lang"]],
                 "responses": ["200": ok, "400": ["$ref": "#/components/responses/Problem"],
                               "401": ["$ref": "#/components/responses/Problem"],
                               "403": ["$ref": "#/components/responses/Problem"],
                               "404": ["$ref": "#/components/responses/Problem"]]]]
    }

    static func plainJSON(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    nonisolated(unsafe) static let identityPaths: [String: Any] = [
        "/api/v1/moi": securedOperation("me", "La personne (ou le système) qui appelle : rôles, mandats, jeton", tag: "Identité",
                                        ok: plainJSON("Identité", ref("Me"))),
        "/api/v1/organisations/{code}/personnes": securedOperation(
            "organisationPeople", "Les personnes d'une organisation et leurs rôles (RSÉ, gestionnaire d'accès, administrateur); consultation journalisée",
            tag: "Identité",
            parameters: [["name": "code", "in": "path", "required": true, "description": "Code de l'organisation (mun-46005, mrc-480, unite-bcam)",
                          "schema": ["type": "string"]]],
            ok: plainJSON("Personnes", ["type": "array", "items": ref("Person")])),
        "/api/v1/journal": securedOperation(
            "journal", "Le journal d'audit, du plus récent au plus ancien, 50 par page (administrateurs et gestionnaires)",
            tag: "Journal",
            parameters: [query("type", "Type d'enregistrement", ["type": "string"]),
                         query("enregistrement", "Identifiant de l'enregistrement", ["type": "string"]),
                         query("personne", "Adresse courriel ou identifiant de la personne qui agit", ["type": "string"]),
                         query("organisation", "Code de l'organisation pour laquelle elle agit", ["type": "string"]),
                         query("du", "Depuis cette date (heure du Québec)", ["type": "string", "format": "date"]),
                         query("au", "Jusqu'à cette date inclusivement", ["type": "string", "format": "date"]),
                         query("page", "Page", ["type": "integer", "minimum": 1])],
            ok: plainJSON("Événements", ["type": "array", "items": ref("AuditEvent")])),
    ]

    nonisolated(unsafe) static let requestPaths: [String: Any] = {
        let number: [String: Any] = ["name": "numero", "in": "path", "required": true, "description": "Numéro (DM-2026-000123)",
                                     "schema": ["type": "string", "pattern": "^DM-[0-9]{4}-[0-9]{6}$"]]
        var file = securedOperation("fileRequest", "Déposer une demande pour l'organisation (portée requests:write)", tag: "Demandes",
                                    parameters: [["name": "code", "in": "path", "required": true,
                                                  "description": "Code de l'organisation (mun-12072)", "schema": ["type": "string"]]],
                                    ok: plainJSON("Demande déposée", ref("MunicipalRequest")))
        if var post = file.removeValue(forKey: "get") as? [String: Any] {
            var responses = post["responses"] as? [String: Any] ?? [:]
            responses["201"] = responses.removeValue(forKey: "200")
            responses["422"] = ["$ref": "#/components/responses/Problem"]
            post["responses"] = responses
            post["requestBody"] = ["required": true, "content": ["application/json": ["schema": object([
                "type": ["type": "string", "description": "Code du type de demande (signalisation, autre…)"],
                "titre": ["type": "string", "maxLength": 200], "description": ["type": "string", "maxLength": 20000],
                "resolution_numero": ["type": "string", "maxLength": 40, "description": "Numéro de la résolution du conseil, quand le type l'exige"],
                "resolution_date": ["type": "string", "format": "date"],
                "latitude": ["type": "number", "minimum": 44.9, "maximum": 62.6],
                "longitude": ["type": "number", "minimum": -79.8, "maximum": -57.0],
                "reponses": ["type": "object", "description": "Réponses aux questions du type, par code : un texte (nombre, date AAAA-MM-JJ, code de choix) ou une liste (choix multiple ; emplacement : latitude puis longitude). Les questions de genre fichier se joignent par le formulaire.",
                            "additionalProperties": ["oneOf": [["type": "string"], ["type": "number"], ["type": "array", "items": ["type": "string"]]]]],
               ], required: ["type", "titre", "description"])]]]
            var problems = responses
            problems["415"] = ["$ref": "#/components/responses/Problem"]
            post["responses"] = problems
            file["post"] = post
        }
        return [
            "/api/v1/demandes": securedOperation(
                "listRequests", "Les demandes que l'appelant peut lire (les siennes pour une municipalité), 50 par page",
                tag: "Demandes",
                parameters: [query("statut", "État, ou « ouvertes »", ["type": "string"]), query("unite", "Code de l'unité", ["type": "string"]),
                             query("moi", "1 : celles qui me sont confiées", ["type": "string"]),
                             query("agent", "Courriel de la personne responsable", ["type": "string"]),
                             query("echeance", "« retard » (en retard) ou « bientot » (due d'ici 3 jours ouvrables)",
                                   ["type": "string", "enum": ["retard", "bientot"]]),
                             query("priorite", "Priorité", ["type": "string", "enum": ["normal", "high", "urgent"]]),
                             query("type", "Code du type de demande", ["type": "string"]),
                             query("q", "Recherche plein texte, sans accents ni casse : tous les mots, le dernier comme début de mot (numéro, titre, texte, réponses, messages ; notes internes pour le Ministère) ; un numéro DM-AAAA-NNNNNN complet est cherché tel quel. Le total est dans X-Total-Count jusqu'à 10 000, au-delà X-Total-Count-At-Least le remplace.", ["type": "string"]),
                             query("page", "Page", ["type": "integer", "minimum": 1])],
                ok: plainJSON("Demandes", ["type": "array", "items": ref("MunicipalRequest")])),
            "/api/v1/demandes/{numero}": securedOperation("getRequest", "Une demande", tag: "Demandes", parameters: [number],
                                                          ok: plainJSON("Demande", ref("MunicipalRequest"))),
            "/api/v1/organisations/{code}/demandes": file,
        ]
    }()

    static func object(_ properties: [String: Any], required: [String]) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required]
    }

    nonisolated(unsafe) static let nullableString: [String: Any] = ["type": ["string", "null"]]
    nonisolated(unsafe) static let nullableNumber: [String: Any] = ["type": ["number", "null"]]

    nonisolated(unsafe) static let components: [String: Any] = [
        "schemas": [
            "Reference": reference,
            "Region": object(["code": ["type": "string"], "nom": ["type": "string"], "population": ["type": "integer"],
                              "nb_mrc": ["type": "integer"], "nb_municipalites_locales": ["type": "integer"],
                              "nb_entites": ["type": "integer"], "url": ["type": "string"]],
                             required: ["code", "nom", "population", "nb_mrc", "nb_municipalites_locales", "nb_entites", "url"]),
            "RegionDetail": object(["region": ref("Region"), "mrc": ["type": "array", "items": ref("MRC")]], required: ["region", "mrc"]),
            "MRC": object(["code": ["type": "string"], "type": ["type": "string"], "nom": ["type": "string"],
                           "region": ref("Reference"), "population": ["type": "integer"],
                           "nb_municipalites_locales": ["type": "integer"], "nb_entites": ["type": "integer"],
                           "url": ["type": "string"]],
                          required: ["code", "type", "nom", "region", "population", "nb_municipalites_locales", "nb_entites", "url"]),
            "MRCDetail": object(["mrc": ref("MRC"), "municipalites": ["type": "array", "items": ref("MunicipalitySummary")]],
                                required: ["mrc", "municipalites"]),
            "MunicipalitySummary": object([
                "code": ["type": "string", "pattern": "^[0-9]{5}$"], "nom": ["type": "string"],
                "designation": ref("Reference"), "region": ref("Reference"),
                "mrc": ["oneOf": [ref("Reference"), ["type": "null"]]],
                "population": ["type": ["integer", "null"]], "latitude": nullableNumber, "longitude": nullableNumber,
                "actif": ["type": "boolean"], "url": ["type": "string"]],
                required: ["code", "nom", "designation", "region", "actif", "url"]),
            "MunicipalityList": object(["total": ["type": "integer"], "page": ["type": "integer"], "per_page": ["type": "integer"],
                                        "items": ["type": "array", "items": ref("MunicipalitySummary")]],
                                       required: ["total", "page", "per_page", "items"]),
            "Municipality": municipalitySchema,
            "Me": object([
                "id": ["type": "string", "format": "uuid"], "courriel": ["type": "string"], "nom": ["type": "string"],
                "langue": ["type": "string"],
                "roles": ["type": "array", "items": object(["organisation": ["type": "string"], "role": ["type": "string"],
                                                            "service": nullableString,
                                                            "limite_depenses_cents": ["type": ["integer", "null"]]],
                                                           required: ["organisation", "role"])],
                "mandats": ["type": "array", "items": object(["organisation": ["type": "string"],
                                                              "services": ["type": "array", "items": ["type": "string"]],
                                                              "fin": ["type": "string", "format": "date"],
                                                              "en_vigueur": ["type": "boolean"]],
                                                             required: ["organisation", "services", "fin", "en_vigueur"])],
                "jeton": ["oneOf": [object(["id": ["type": "string"], "organisation": ["type": "string"],
                                            "portees": ["type": "array", "items": ["type": "string"]]],
                                           required: ["id", "organisation", "portees"]), ["type": "null"]]]],
                required: ["id", "courriel", "nom", "langue", "roles", "mandats"]),
            "MunicipalRequest": object([
                "numero": ["type": "string"], "type": nullableString, "organisation": nullableString, "titre": ["type": "string"],
                "description": ["type": "string"], "statut": ["type": "string", "enum": RequestStatus.allCases.map(\.rawValue)],
                "priorite": ["type": "string"], "deposee_le": ["type": "string", "format": "date"],
                "reponse_attendue_le": ["type": "string", "format": "date"], "resolution_numero": nullableString,
                "resolution_date": nullableString, "latitude": nullableNumber, "longitude": nullableNumber,
                "version": ["type": "integer"]],
                required: ["numero", "titre", "description", "statut", "priorite", "deposee_le", "reponse_attendue_le", "version"]),
            "Person": object(["id": ["type": "string", "format": "uuid"], "courriel": ["type": "string"], "nom": ["type": "string"],
                              "actif": ["type": "boolean"], "roles": ["type": "array", "items": ["type": "string"]]],
                             required: ["id", "courriel", "nom", "actif", "roles"]),
            "AuditEvent": object([
                "sequence": ["type": "integer"], "quand": ["type": "string"], "qui": ["type": "string"],
                "personne": nullableString, "organisation": nullableString, "session": nullableString, "jeton": nullableString,
                "action": ["type": "string"], "type": ["type": "string"], "enregistrement": ["type": "string"],
                "changements": ["type": "object", "additionalProperties": object(["before": nullableString, "after": nullableString],
                                                                                 required: [])],
                "requete": nullableString, "adresse": nullableString, "hash": ["type": "string"]],
                required: ["sequence", "quand", "qui", "action", "type", "enregistrement", "changements", "hash"]),
            "Problem": object([
                "type": ["type": "string", "format": "uri"], "title": ["type": "string"], "status": ["type": "integer"],
                "detail": ["type": "string"], "instance": ["type": "string"], "code": ["type": "string"],
                "request_id": ["type": "string"],
                "errors": ["type": "array", "items": object(["name": ["type": "string"], "detail": ["type": "string"]],
                                                            required: ["name", "detail"])]],
                required: ["type", "title", "status", "detail", "code"]),
        ],
        "responses": [
            "Problem": ["description": "Problème (RFC 9457)",
                        "content": ["application/problem+json": ["schema": ref("Problem")]]],
        ],
        "securitySchemes": [
            "bearer": ["type": "http", "scheme": "bearer", "description": "Jeton d'accès créé sur /mon-compte/jetons (psr_…)"],
            "session": ["type": "apiKey", "in": "cookie", "name": "passerelle_session"],
        ],
        "headers": [
            "ETag": ["description": "Validateur fort; renvoyez-le dans If-None-Match pour obtenir 304", "schema": ["type": "string"]],
        ],
        "parameters": [
            "lang": ["name": "lang", "in": "query", "required": false,
                     "description": "Langue des messages : fr-CA (défaut) ou en-CA; sinon Accept-Language",
                     "schema": ["type": "string", "enum": APIRules.languages.sorted()]],
        ],
    ]

    nonisolated(unsafe) static let municipalitySchema: [String: Any] = {
        var properties: [String: Any] = [:]
        let numbers: Set<String> = ["superficie_km2", "superficie_terrestre_km2", "latitude", "longitude"]
        for column in MunicipalityColumnNames.all {
            if column == "population" { properties[column] = ["type": ["integer", "null"]] }
            else if numbers.contains(column) { properties[column] = nullableNumber }
            else if column == "hors_mrc_ou_autochtone" { properties[column] = ["type": ["boolean", "null"]] }
            else if column.hasPrefix("date_") { properties[column] = ["type": ["string", "null"], "format": "date"] }
            else { properties[column] = nullableString }
        }
        properties["actif"] = ["type": "boolean"]
        properties["inactif_depuis"] = ["type": ["string", "null"], "format": "date"]
        properties["territoire"] = ["oneOf": [ref("Reference"), ["type": "null"]]]
        return object(properties, required: ["code_geo", "nom", "actif"])
    }()

    @Sendable static func serve(_ req: Request) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: documentData))
    }
}

import PasserelleCore

enum MunicipalityColumnNames {
    static let all = MunicipalityColumn.allCases.map(\.rawValue)
}
