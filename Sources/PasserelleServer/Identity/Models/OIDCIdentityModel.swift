import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A provider's subject linked to a person.
final class OIDCIdentityModel: Model, @unchecked Sendable {
    static let schema = "oidc_identities"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "issuer") var issuer: String
    @Field(key: "subject") var subject: String

    init() {}
}
