import Fluent
import SQLKit

struct CreateIdentityTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationModel.schema)
            .id()
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("territory_code", .string)
            .field("language", .string, .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema(PersonModel.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string)
            .field("language", .string, .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(MembershipModel.schema)
            .id()
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .restrict))
            .field("role", .string, .required)
            .field("service", .string)
            .field("spending_limit_cents", .int64)
            .field("created_at", .datetime)
            .unique(on: "person_id", "organisation_id", "role", "service")
            .create()
        try await database.schema(SessionModel.schema)
            .id()
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("client_address", .string)
            .field("user_agent", .string)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(SignInAttemptModel.schema)
            .id()
            .field("email", .string, .required)
            .field("client_address", .string, .required)
            .field("attempted_at", .datetime, .required)
            .field("succeeded", .bool, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "memberships_person").on(MembershipModel.schema).column("person_id").run()
        try await sql.create(index: "sessions_person").on(SessionModel.schema).column("person_id").run()
        try await sql.create(index: "sign_in_attempts_email").on(SignInAttemptModel.schema).column("email").column("attempted_at").run()
        try await sql.create(index: "sign_in_attempts_address").on(SignInAttemptModel.schema)
            .column("client_address").column("attempted_at").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [SignInAttemptModel.schema, SessionModel.schema, MembershipModel.schema, PersonModel.schema,
                       OrganisationModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
