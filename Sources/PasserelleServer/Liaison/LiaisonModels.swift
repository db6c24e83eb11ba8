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

struct CreateLiaisonTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgentProfileModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .field("phone", .string, .required)
            .field("title", .string, .required)
            .unique(on: "person_id")
            .create()
        try await database.schema(CoverageModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("scope", .string, .required)
            .field("code", .string, .required)
            .field("agent_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .restrict))
            .field("backup_id", .uuid, .references(PersonModel.schema, "id", onDelete: .setNull))
            .unique(on: "scope", "code")
            .create()
        try await database.schema(MeetingModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("agent_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .restrict))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .restrict))
            .field("starts_at", .datetime, .required)
            .field("minutes", .int, .required)
            .field("place", .string, .required)
            .field("subject", .string, .required)
            .field("participants", .string, .required)
            .field("notes", .string, .required)
            .create()
        try await database.schema(FollowUpModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("meeting_id", .uuid, .required, .references(MeetingModel.schema, "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("done", .bool, .required)
            .field("request_number", .string)
            .create()
        try await database.schema(PartnerContactModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("title", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .field("subjects", .string, .required)
            .field("active", .bool, .required)
            .create()
        try await database.schema(CalendarFeedModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("calendar", .string, .required)
            .unique(on: "token_hash")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "liaison_meetings_agent").on(MeetingModel.schema).column("agent_id").column("starts_at").run()
        try await sql.create(index: "liaison_meetings_organisation").on(MeetingModel.schema).column("organisation_id")
            .column("starts_at").run()
        try await sql.create(index: "liaison_followups_meeting").on(FollowUpModel.schema).column("meeting_id").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [CalendarFeedModel.schema, PartnerContactModel.schema, FollowUpModel.schema, MeetingModel.schema,
                       CoverageModel.schema, AgentProfileModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
