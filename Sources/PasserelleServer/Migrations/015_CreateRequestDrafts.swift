import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

struct CreateRequestDrafts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RequestDraftModel.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .field("type_code", .string, .required)
            .field("title", .string, .required)
            .field("content", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.sql.create(index: "request_drafts_person").on(RequestDraftModel.schema)
            .column("person_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RequestDraftModel.schema).delete()
    }
}
