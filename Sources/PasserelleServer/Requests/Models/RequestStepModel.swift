import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

/// A status taken on a date: the service clock's history.
final class RequestStepModel: Model, @unchecked Sendable {
    static let schema = "request_steps"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @Enum(key: "status") var status: RequestStatus
    @Field(key: "event") var event: String
    @Field(key: "on_date") var onDate: String
    @OptionalField(key: "person_id") var personID: UUID?

    init() {}
}
