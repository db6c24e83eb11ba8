import Fluent
import Foundation
import PasserelleCore
import Vapor

/// A request as the API gives it (French keys, like the rest of the API).
struct RequestDTO: Content {
    let numero: String
    let type: String?
    let organisation: String?
    let titre: String
    let description: String
    let statut: String
    let priorite: String
    let deposee_le: String
    let reponse_attendue_le: String
    let resolution_numero: String?
    let resolution_date: String?
    let latitude: Double?
    let longitude: Double?
    let version: Int

    init(_ m: RequestModel) {
        numero = m.number
        type = m.$type.value?.code
        organisation = m.$organisation.value?.code
        titre = m.title
        description = m.details
        statut = m.status.rawValue
        priorite = m.priority
        deposee_le = m.filedOn
        reponse_attendue_le = m.expectedOn
        resolution_numero = m.resolutionNumber
        resolution_date = m.resolutionDate
        latitude = m.latitude
        longitude = m.longitude
        version = m.version
    }
}

/// What a system sends to file a request (`POST /api/v1/organisations/{code}/demandes`): the same
/// French names as the request it gets back, and the answers to the type's questions by code.
struct RequestFilingDTO: Decodable {
    var type: String?
    var titre: String?
    var description: String?
    var resolution_numero: String?
    var resolution_date: String?
    var latitude: Double?
    var longitude: Double?
    var reponses: [String: FormInput.AnswerValue]?

    /// The filing as the request desk checks it, whichever door it came through.
    var form: RequestQueries.FilingForm {
        RequestQueries.FilingForm(type: type, title: titre, description: description, resolution_number: resolution_numero,
                                  resolution_date: resolution_date, latitude: latitude.map { String($0) },
                                  longitude: longitude.map { String($0) }, answers: reponses)
    }

    /// The API's name of a field the request desk names in its error (the page's input name).
    static func name(of field: String) -> String {
        switch field {
        case "title": "titre"
        case "resolution_number": "resolution_numero"
        default: field.hasPrefix(FormInput.answerPrefix) ? "reponses." + field.dropFirst(FormInput.answerPrefix.count) : field
        }
    }
}
