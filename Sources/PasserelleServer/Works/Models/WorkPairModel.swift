import Fluent
import Foundation

/// Two works near each other: a conflict (their periods overlap) or an opportunity (one follows
/// the other within the window), found by the detector, with a status both owners follow.
final class WorkPairModel: Model, @unchecked Sendable {
    static let schema = "works_pairs"

    enum Status: String, CaseIterable, Codable, Sendable { case new, seen, coordinated, dismissed }

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "first_id") var first: InterventionModel
    @Parent(key: "second_id") var second: InterventionModel
    @Field(key: "first_owner_id") var firstOwnerID: UUID
    @Field(key: "second_owner_id") var secondOwnerID: UUID
    /// `conflict` or `opportunity`.
    @Field(key: "kind") var kind: String
    /// Days from the end of the earlier work to the start of the later (0 for a conflict).
    @Field(key: "gap_days") var gapDays: Int
    @Field(key: "status") var status: String
    @Field(key: "reason") var reason: String
    /// False once an edit moved the works apart (the pair is kept with its history).
    @Field(key: "active") var active: Bool

    init() {}

    var pairStatus: Status { Status(rawValue: status) ?? .new }
    var isConflict: Bool { kind == "conflict" }
}
