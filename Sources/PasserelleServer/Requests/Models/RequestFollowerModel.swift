import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A person who wants to hear of every message and status change of a request.
final class RequestFollowerModel: Model, @unchecked Sendable {
    static let schema = "request_followers"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @Parent(key: "person_id") var person: PersonModel

    init() {}
}
