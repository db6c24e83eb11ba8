import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// An evaluator assigned to an application.
final class GrantEvaluatorModel: Model, @unchecked Sendable {
    static let schema = "grant_evaluators"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "person_id") var person: PersonModel
    @OptionalField(key: "completed_at") var completedAt: Date?

    init() {}
}
