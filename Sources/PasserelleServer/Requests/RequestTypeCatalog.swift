import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit
import Vapor

/// The kinds of requests Passerelle starts with (PAMAM measures in brackets). Administrators edit
/// the catalog afterwards; codes stay stable.
enum RequestTypeCatalog {
    struct Entry {
        let code: String
        let fr: (String, String)
        let en: (String, String)
        let routing: String
        let days: Int
        let resolution: Bool
        let measure: String?
        /// Working days, of `days`, for triage.
        var triage: Int { routing == "bcam" ? 3 : 2 }
    }

    static let entries: [Entry] = [
        Entry(code: "apaisement-circulation",
              fr: ("Apaisement de la circulation et vitesse",
                   "Demande de mesures d'apaisement ou de modification de la limite de vitesse sur une route du réseau supérieur."),
              en: ("Traffic calming and speed",
                   "Request for traffic-calming measures or a speed-limit change on a road of the higher network."),
              routing: "directorate", days: 30, resolution: true, measure: "4.1"),
        Entry(code: "signalisation",
              fr: ("Signalisation", "Ajout, retrait ou modification de panneaux, de feux ou de marquage sur une route du Ministère."),
              en: ("Signage", "Adding, removing or changing signs, lights or markings on a ministry road."),
              routing: "bcam", days: 20, resolution: true, measure: nil),
        Entry(code: "travaux-route-provinciale",
              fr: ("Travaux sur une route provinciale dans la municipalité",
                   "Information ou coordination au sujet de travaux du Ministère sur une route qui traverse la municipalité."),
              en: ("Work on a provincial road in the municipality",
                   "Information or coordination about ministry work on a road crossing the municipality."),
              routing: "directorate", days: 15, resolution: false, measure: nil),
        Entry(code: "travaux-conjoints",
              fr: ("Proposition de travaux conjoints",
                   "Proposer de réaliser en même temps des travaux municipaux et des travaux du Ministère au même endroit."),
              en: ("Joint-works proposal", "Proposing to carry out municipal and ministry work at the same place at the same time."),
              routing: "directorate", days: 30, resolution: false, measure: "4.2"),
        Entry(code: "emprise",
              fr: ("Utilisation de l'emprise du Ministère",
                   "Permission d'occuper ou de traverser l'emprise d'une route du Ministère (conduites, trottoirs, événements)."),
              en: ("Use of the ministry's right-of-way",
                   "Permission to occupy or cross the right-of-way of a ministry road (pipes, sidewalks, events)."),
              routing: "directorate", days: 30, resolution: true, measure: nil),
        Entry(code: "question-programme",
              fr: ("Question sur un programme d'aide financière", "Admissibilité, dépenses admissibles, échéances d'un programme."),
              en: ("Question about a financial-aid program", "Eligibility, eligible costs, deadlines of a program."),
              routing: "bcam", days: 10, resolution: false, measure: nil),
        Entry(code: "rencontre-agent",
              fr: ("Rencontre avec l'agent de liaison", "Demander une rencontre avec l'agent de liaison de votre territoire."),
              en: ("Meeting with the liaison agent", "Ask for a meeting with your territory's liaison agent."),
              routing: "directorate", days: 10, resolution: false, measure: "2.1"),
        Entry(code: "analyse-gestion-municipale",
              fr: ("Analyse de gestion municipale ou d'organisation territoriale",
                   "Demande d'analyse d'une question de gestion municipale ou d'organisation du territoire."),
              en: ("Municipal-management or territorial-organisation analysis",
                   "Request for an analysis of a municipal-management or territorial-organisation question."),
              routing: "bcam", days: 40, resolution: true, measure: nil),
        Entry(code: "avis-secretariat",
              fr: ("Demande d'avis (Secrétariat à la région métropolitaine)",
                   "Demande d'avis du Secrétariat à la région métropolitaine sur un projet ou un règlement."),
              en: ("Request for an avis (Secrétariat à la région métropolitaine)",
                   "Request for the Secrétariat's avis on a project or a by-law."),
              routing: "bcam", days: 45, resolution: true, measure: nil),
        Entry(code: "autre",
              fr: ("Autre demande", "Toute autre demande au Ministère : le BCAM la dirige au bon endroit."),
              en: ("Other request", "Any other request to the ministry: the BCAM sends it to the right place."),
              routing: "bcam", days: 15, resolution: false, measure: "1.2"),
    ]

    static var seed: [RequestTypeModel] {
        entries.enumerated().map { index, entry in
            let type = RequestTypeModel()
            type.code = entry.code
            type.nameFr = entry.fr.0
            type.descriptionFr = entry.fr.1
            type.nameEn = entry.en.0
            type.descriptionEn = entry.en.1
            type.routing = entry.routing
            type.targetDays = entry.days
            type.triageDays = entry.triage
            type.resolutionRequired = entry.resolution
            type.measure = entry.measure
            type.active = true
            type.position = index + 1
            type.version = 1
            return type
        }
    }
}

extension RequestTypeCatalog {
    private static func option(_ code: String, _ fr: String, _ en: String) -> RequestField.Option {
        .init(code: code, fr: fr, en: en)
    }

    private static let place = RequestField(code: "lieu", kind: .location, labelFr: "Endroit précis", labelEn: "Exact place",
                                            helpFr: "Latitude et longitude, si vous les connaissez.",
                                            helpEn: "Latitude and longitude, if you know them.")

    /// The questions each seeded kind asks beyond title and description.
    static let fields: [String: [RequestField]] = [
        "apaisement-circulation": [
            .init(code: "route", kind: .text, labelFr: "Route ou rue visée", labelEn: "Road or street concerned",
                  helpFr: "Par exemple : route 132, entre la rue Lafontaine et le chemin du Lac.",
                  helpEn: "For example: route 132, between rue Lafontaine and chemin du Lac.", required: true),
            .init(code: "vitesse_actuelle", kind: .number, labelFr: "Limite de vitesse actuelle (km/h)",
                  labelEn: "Current speed limit (km/h)"),
            .init(code: "vitesse_demandee", kind: .number, labelFr: "Limite de vitesse demandée (km/h)",
                  labelEn: "Speed limit requested (km/h)"),
            .init(code: "mesures", kind: .multiple, labelFr: "Mesures souhaitées", labelEn: "Measures wished for",
                  options: [option("afficheur", "Afficheur de vitesse", "Speed display sign"),
                            option("marquage", "Marquage au sol", "Road markings"),
                            option("retrecissement", "Rétrécissement de la chaussée", "Narrowing of the roadway"),
                            option("limite", "Baisse de la limite de vitesse", "Lower speed limit")]),
            place,
        ],
        "signalisation": [
            .init(code: "nature", kind: .choice, labelFr: "Nature de la demande", labelEn: "What is asked", required: true,
                  options: [option("ajout", "Ajout", "Adding"), option("retrait", "Retrait", "Removing"),
                            option("modification", "Modification", "Changing")]),
            .init(code: "element", kind: .text, labelFr: "Panneau, feu ou marquage visé", labelEn: "Sign, light or marking concerned",
                  required: true),
            place,
        ],
        "travaux-route-provinciale": [
            .init(code: "route", kind: .text, labelFr: "Route visée", labelEn: "Road concerned", required: true),
            .init(code: "date_travaux", kind: .date, labelFr: "Date des travaux, si vous la connaissez",
                  labelEn: "Date of the work, if you know it"),
        ],
        "travaux-conjoints": [
            .init(code: "travaux_municipaux", kind: .text, labelFr: "Travaux municipaux prévus", labelEn: "Municipal work planned",
                  helpFr: "Aqueduc, égout, chaussée, trottoirs…", helpEn: "Water main, sewer, roadway, sidewalks…", required: true),
            .init(code: "annee", kind: .number, labelFr: "Année de réalisation visée", labelEn: "Year the work is planned for",
                  required: true),
            .init(code: "lieu", kind: .location, labelFr: "Endroit des travaux", labelEn: "Place of the work", required: true),
            .init(code: "plan", kind: .file, labelFr: "Plan ou esquisse", labelEn: "Plan or sketch"),
        ],
        "emprise": [
            .init(code: "usage", kind: .choice, labelFr: "Usage de l'emprise", labelEn: "Use of the right-of-way", required: true,
                  options: [option("conduite", "Conduite ou réseau", "Pipe or network"), option("trottoir", "Trottoir", "Sidewalk"),
                            option("evenement", "Événement", "Event"), option("autre", "Autre", "Other")]),
            .init(code: "debut", kind: .date, labelFr: "Date de début", labelEn: "Start date", required: true),
            .init(code: "fin", kind: .date, labelFr: "Date de fin", labelEn: "End date"),
            .init(code: "plan", kind: .file, labelFr: "Plan de localisation", labelEn: "Location plan", required: true),
        ],
        "question-programme": [
            .init(code: "programme", kind: .choice, labelFr: "Programme", labelEn: "Program",
                  options: [option("paffsr", "Programme d'aide financière du Fonds de la sécurité routière (PAFFSR)",
                                   "Road-safety fund financial-aid program (PAFFSR)"),
                            option("tapu", "Transport actif dans les périmètres urbains (TAPU)",
                                   "Active transport in urban perimeters (TAPU)"),
                            option("transport-collectif", "Aide au transport collectif", "Transit aid"),
                            option("autre", "Autre programme", "Another program")]),
        ],
        "rencontre-agent": [
            .init(code: "sujets", kind: .text, labelFr: "Sujets à aborder", labelEn: "Subjects to discuss", required: true),
            .init(code: "disponibilites", kind: .text, labelFr: "Vos disponibilités", labelEn: "When you are available"),
        ],
        "avis-secretariat": [
            .init(code: "objet", kind: .choice, labelFr: "Objet de l'avis", labelEn: "What the avis is about", required: true,
                  options: [option("projet", "Un projet", "A project"), option("reglement", "Un règlement", "A by-law"),
                            option("autre", "Autre", "Other")]),
            .init(code: "souhaite_le", kind: .date, labelFr: "Date à laquelle l'avis est souhaité", labelEn: "Date the avis is wanted by"),
        ],
    ]
}

/// The type catalog as every filing and list reads it: decoded once and kept while the catalog's
/// stamp (how many types, the sum of their versions) stays the same. The stamp is read again at
/// most once a second (a filing read it each time: a query of its own), so a save is seen at once
/// by the instance that made it (`forget`) and within a second by every other.
final class RequestTypeCache: @unchecked Sendable {
    static let recheck: Duration = .seconds(1)
    private let lock = NIOLock()
    private var stamp: String?
    private var checkedAt: ContinuousClock.Instant?
    private var generation = 0
    private var types: [RequestTypeModel] = []

    /// Every type, in catalog order.
    func all(on db: any Database) async throws -> [RequestTypeModel] {
        let now = ContinuousClock.now
        if let cached = lock.withLock({ () -> [RequestTypeModel]? in
            guard stamp != nil, let checkedAt, now - checkedAt < Self.recheck else { return nil }
            return types
        }) { return cached }
        let seen = lock.withLock { generation }
        let row = try await db.sql.raw("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(version), 0) AS BIGINT) AS v FROM request_types").first()
        let current = "\(try row?.decode(column: "n", as: Int.self) ?? 0)/\(try row?.decode(column: "v", as: Int.self) ?? 0)"
        if let cached = lock.withLock({ () -> [RequestTypeModel]? in
            guard stamp == current else { return nil }
            if generation == seen { checkedAt = now }
            return types
        }) { return cached }
        let fresh = try await RequestTypeModel.query(on: db).sort(\.$position).all()
        lock.withLock {
            // A save made here while this read was under way: what was read may be older than it.
            guard generation == seen else { return }
            stamp = current
            checkedAt = now
            types = fresh
        }
        return fresh
    }

    /// Reads the catalog again at its next use (after a save on this instance).
    func forget() {
        lock.withLock {
            stamp = nil
            checkedAt = nil
            generation += 1
        }
    }
}

extension Application {
    private struct RequestTypeCacheKey: StorageKey { typealias Value = RequestTypeCache }

    var requestTypes: RequestTypeCache {
        if let cache = storage[RequestTypeCacheKey.self] { return cache }
        let cache = RequestTypeCache()
        storage[RequestTypeCacheKey.self] = cache
        return cache
    }
}
