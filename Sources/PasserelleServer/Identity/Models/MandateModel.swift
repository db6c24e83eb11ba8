import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A person of a firm acting for a municipality on named services until an end date.
final class MandateModel: Model, @unchecked Sendable {
    static let schema = "mandates"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    /// The municipality the mandataire acts for.
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "granted_by") var grantedBy: UUID

    // data fields
    /// The firm, as the RSÉ wrote it.
    @Field(key: "firm") var firm: String
    /// Space-separated service names.
    @Field(key: "services") var services: String
    /// ISO date, inclusive.
    @Field(key: "ends_on") var endsOn: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    var mandate: Mandate? {
        guard let end = CalendarDate(iso: endsOn) else { return nil }
        let organisationID = $organisation.id
        let set = Set(services.split(separator: " ").compactMap { Service(rawValue: String($0)) })
        return Mandate(municipalityID: organisationID, services: set, endsOn: end, revoked: revokedAt != nil)
    }
}
