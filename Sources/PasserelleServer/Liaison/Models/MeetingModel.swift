import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// A meeting of a liaison agent with a municipality (or an MRC): when, who, what was said, and
/// what is to follow.
final class MeetingModel: Model, @unchecked Sendable {
    static let schema = "liaison_meetings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "agent_id") var agent: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "minutes") var minutes: Int
    @Field(key: "place") var place: String
    @Field(key: "subject") var subject: String
    @Field(key: "participants") var participants: String
    @Field(key: "notes") var notes: String

    init() {}
}
