import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

struct CreateRequestTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RequestTypeModel.schema)
            .id()
            .field("code", .string, .required)
            .field("name_fr", .string, .required)
            .field("name_en", .string, .required)
            .field("description_fr", .string, .required)
            .field("description_en", .string, .required)
            .field("routing", .string, .required)
            .field("target_days", .int, .required)
            .field("resolution_required", .bool, .required)
            .field("measure", .string)
            .field("active", .bool, .required)
            .field("position", .int, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema(RequestModel.schema)
            .id()
            .field("type_id", .uuid, .required, .references(RequestTypeModel.schema, "id", onDelete: .restrict))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .restrict))
            .field("requester_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .restrict))
            .field("unit_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .restrict))
            .field("assignee_id", .uuid, .references(PersonModel.schema, "id", onDelete: .setNull))
            .field("merged_into", .string)
            .field("number", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("priority", .string, .required)
            .field("filed_on", .string, .required)
            .field("expected_on", .string, .required)
            .field("language", .string, .required)
            .field("resolution_number", .string)
            .field("resolution_date", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("transfer_reason", .string)
            .field("rating", .int)
            .field("search_text", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema(RequestStepModel.schema)
            .id()
            .field("request_id", .uuid, .required, .references(RequestModel.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("event", .string, .required)
            .field("on_date", .string, .required)
            .field("person_id", .uuid)
            .field("created_at", .datetime)
            .create()
        try await database.schema(RequestMessageModel.schema)
            .id()
            .field("request_id", .uuid, .required, .references(RequestModel.schema, "id", onDelete: .cascade))
            .field("author_id", .uuid)
            .field("author_label", .string, .required)
            .field("kind", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(RequestCounterModel.schema)
            .field(.id, .int, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        let sql = database.sql
        for (name, table, columns) in [
            ("requests_organisation", RequestModel.schema, ["organisation_id", "filed_on"]),
            ("requests_unit_status", RequestModel.schema, ["unit_id", "status", "expected_on"]),
            ("requests_assignee_status", RequestModel.schema, ["assignee_id", "status"]),
            ("request_steps_request", RequestStepModel.schema, ["request_id"]),
            ("request_messages_request", RequestMessageModel.schema, ["request_id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        // The columns of this migration only: later ones add theirs (fields, filers).
        for type in RequestTypeCatalog.seed {
            try await sql.insert(into: RequestTypeModel.schema)
                .columns("id", "code", "name_fr", "name_en", "description_fr", "description_en", "routing", "target_days",
                         "resolution_required", "measure", "active", "position", "version", "created_at")
                .values(SQLBind(UUID()), SQLBind(type.code), SQLBind(type.nameFr), SQLBind(type.nameEn),
                        SQLBind(type.descriptionFr), SQLBind(type.descriptionEn), SQLBind(type.routing), SQLBind(type.targetDays),
                        SQLBind(type.resolutionRequired), SQLBind(type.measure), SQLBind(type.active), SQLBind(type.position),
                        SQLBind(type.version), SQLBind(Date()))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [RequestCounterModel.schema, RequestMessageModel.schema, RequestStepModel.schema, RequestModel.schema,
                       RequestTypeModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
