import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// One evaluator's score on one criterion, with its comment.
final class GrantScoreModel: Model, @unchecked Sendable {
    static let schema = "grant_scores"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "criterion") var criterion: String
    @Field(key: "score") var score: Int
    @Field(key: "comment") var comment: String

    init() {}
}
