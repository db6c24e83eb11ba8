import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A system's credential: created by a person for one organisation, with scopes; only its hash is
/// kept.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    // data fields
    @Field(key: "name") var name: String
    /// `requests:read grants:write`
    @Field(key: "scopes") var scopes: String
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters, to recognise a token in a list without revealing it.
    @Field(key: "prefix") var prefix: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    var scopeSet: Set<Scope> { Scope.parse(scopes) ?? [] }
}
