import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A message waiting for the mail module. Tests and administrators read it here.
final class OutboxMessageModel: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @OptionalField(key: "person_id") var personID: UUID?

    // data fields
    @Field(key: "recipient") var recipient: String
    @Field(key: "language") var language: String
    /// `invitation`, `reset`, `role_granted`…
    @Field(key: "kind") var kind: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// `pending`, `sending`, `sent`, `dead` (`OutboxSender`).
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    /// Unix seconds.
    @Field(key: "next_attempt_at") var nextAttemptAt: Int64
    @OptionalField(key: "claimed_until") var claimedUntil: Int64?
    @OptionalField(key: "last_error") var lastError: String?

    init() {
        status = OutboxSender.Status.pending.rawValue
        attempts = 0
        nextAttemptAt = 0
    }
}
