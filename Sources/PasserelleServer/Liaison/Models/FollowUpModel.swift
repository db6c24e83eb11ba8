import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// Something to do after a meeting; it may become a request of the municipality.
final class FollowUpModel: Model, @unchecked Sendable {
    static let schema = "liaison_followups"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "meeting_id") var meeting: MeetingModel
    @Field(key: "text") var text: String
    @Field(key: "done") var done: Bool
    /// The request it became, if it did.
    @OptionalField(key: "request_number") var requestNumber: String?

    init() {}
}
