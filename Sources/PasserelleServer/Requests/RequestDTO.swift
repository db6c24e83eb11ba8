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
