import Foundation

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
            type.resolutionRequired = entry.resolution
            type.measure = entry.measure
            type.active = true
            type.position = index + 1
            type.version = 1
            return type
        }
    }
}
