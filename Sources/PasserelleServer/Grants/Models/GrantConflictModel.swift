import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// A conflict of interest a person declared with an organisation: they evaluate none of its files.
final class GrantConflictModel: Model, @unchecked Sendable {
    static let schema = "grant_conflicts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "reason") var reason: String

    init() {}
}
