import Fluent
import Foundation
import PasserelleCore
import Plot
import Vapor

struct CreateStandardAnswers: AsyncMigration {
    static let seeds: [(String, String, String, String, String)] = [
        ("accuse-reception", "Accusé de réception", "Acknowledgement",
         "Bonjour,\n\nNous avons bien reçu votre demande {numero} « {titre} ». Vous recevrez une réponse au plus tard le {date_attendue}.\n\n{agent}\nMinistère des Transports et de la Mobilité durable",
         "Hello,\n\nWe have received your request {numero} “{titre}”. You will receive an answer by {date_attendue} at the latest.\n\n{agent}\nMinistère des Transports et de la Mobilité durable"),
        ("complement", "Complément d'information requis", "Further information needed",
         "Bonjour,\n\nPour poursuivre l'analyse de la demande {numero}, nous avons besoin des renseignements suivants :\n\n- \n\nLe délai de traitement est suspendu jusqu'à votre réponse.\n\n{agent}",
         "Hello,\n\nTo continue the analysis of request {numero}, we need the following information:\n\n- \n\nThe processing time is suspended until your reply.\n\n{agent}"),
        ("transfert-mamh", "Transfert au MAMH", "Transfer to MAMH",
         "Bonjour,\n\nLa demande {numero} relève du ministère des Affaires municipales et de l'Habitation ; nous la lui avons transmise. Il communiquera avec {municipalite} directement.\n\n{agent}",
         "Hello,\n\nRequest {numero} falls under the ministère des Affaires municipales et de l'Habitation; we have passed it on. It will contact {municipalite} directly.\n\n{agent}"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema(StandardAnswerModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("code", .string, .required)
            .field("title_fr", .string, .required)
            .field("title_en", .string, .required)
            .field("body_fr", .string, .required)
            .field("body_en", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "code")
            .create()
        for (code, titleFR, titleEN, bodyFR, bodyEN) in Self.seeds {
            let answer = StandardAnswerModel()
            answer.code = code
            answer.titleFR = titleFR
            answer.titleEN = titleEN
            answer.bodyFR = bodyFR
            answer.bodyEN = bodyEN
            answer.active = true
            try await answer.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StandardAnswerModel.schema).delete()
    }
}
