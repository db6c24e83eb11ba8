import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

/// A message to or from the municipality, or an internal note the municipality never sees.
final class RequestMessageModel: Model, @unchecked Sendable {
    static let schema = "request_messages"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author_label") var authorLabel: String
    /// `message` (seen by the municipality) or `note` (ministry only).
    @Field(key: "kind") var kind: String
    @Field(key: "body") var body: String

    init() {}
}
