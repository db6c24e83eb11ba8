import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// One line of the liaison network: the agent who covers a region, an MRC or a municipality, and
/// the backup who stands in for them. The most specific line covering a municipality wins.
final class CoverageModel: Model, @unchecked Sendable {
    static let schema = "liaison_coverage"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "scope") var scope: String
    /// The region's code (`01`), the MRC's (`120`) or the municipality's geographic code.
    @Field(key: "code") var code: String
    @Parent(key: "agent_id") var agent: PersonModel
    @OptionalParent(key: "backup_id") var backup: PersonModel?

    init() {}

    var coverageScope: CoverageScope { CoverageScope(rawValue: scope) ?? .region }
}

/// How a liaison agent is reached, beyond their address: phone and title, as the cards show them.
final class AgentProfileModel: Model, @unchecked Sendable {
    static let schema = "liaison_agents"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "phone") var phone: String
    /// « Agente de liaison — Bas-Saint-Laurent ».
    @Field(key: "title") var title: String

    init() {}
}

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

/// A contact at a partner body (the interministerial network), by subject.
final class PartnerContactModel: Model, @unchecked Sendable {
    static let schema = "partner_contacts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "name") var name: String
    @Field(key: "title") var title: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    /// Subjects, separated by commas (« habitation, aménagement »).
    @Field(key: "subjects") var subjects: String
    @Field(key: "active") var active: Bool

    init() {}

    var subjectList: [String] {
        subjects.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

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
