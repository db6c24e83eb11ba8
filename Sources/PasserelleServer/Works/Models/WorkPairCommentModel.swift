import Fluent
import Foundation

/// A comment on a pair, by a person of one of the two owners (or the ministry).
final class WorkPairCommentModel: Model, @unchecked Sendable {
    static let schema = "works_pair_comments"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "pair_id") var pair: WorkPairModel
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "body") var body: String

    init() {}
}
