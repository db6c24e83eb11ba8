import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// A calendar subscription address: calendar applications cannot sign in, so the address carries
/// a secret (only its hash is kept) that reads one calendar, for as long as the person keeps it.
final class CalendarFeedModel: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "token_hash") var tokenHash: String
    /// `agent:<uuid>` or `region:<code>`.
    @Field(key: "calendar") var calendar: String

    init() {}
}
