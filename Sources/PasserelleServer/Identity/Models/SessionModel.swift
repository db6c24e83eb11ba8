import Fluent
import Foundation
import PasserelleCore

/// A signed-in browser. The cookie holds a random token; the database holds only its hash, so a
/// copy of the database signs nobody in. Shared by every app instance.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel

    // data fields
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "client_address") var clientAddress: String?
    @OptionalField(key: "user_agent") var userAgent: String?

    init() {}
}
