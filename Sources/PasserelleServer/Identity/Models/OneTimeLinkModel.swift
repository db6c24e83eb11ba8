import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A one-time link sent by mail: an invitation (sets the first password) or a password reset.
/// Only the token's hash is kept; the link works once and expires.
final class OneTimeLinkModel: Model, @unchecked Sendable {
    static let schema = "one_time_links"

    enum Purpose: String, Codable, Sendable { case invitation, reset }

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    @OptionalField(key: "created_by") var createdBy: UUID?

    // data fields
    @Enum(key: "purpose") var purpose: Purpose
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
