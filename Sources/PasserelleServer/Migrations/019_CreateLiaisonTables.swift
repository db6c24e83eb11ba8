import Fluent
import Foundation
import PasserelleCore
import SQLKit

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
        let sql = database.sql
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
