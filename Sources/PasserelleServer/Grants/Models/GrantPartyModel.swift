import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// A co-applicant of an application (another body applying with the first).
final class GrantPartyModel: Model, @unchecked Sendable {
    static let schema = "grant_parties"

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    init() {}
}
