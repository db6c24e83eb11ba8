import Fluent
import SQLKit

/// The shared map of planned interventions (PAMAM 4.3): the works, the pairs the detector finds
/// between them (conflicts and opportunities) with their comments, and the yearly numbers.
struct CreateWorksTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InterventionModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("version", .int, .required)
            .field("number", .string, .required)
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("visibility", .string, .required)
            .field("geometry", .string, .required)
            .field("min_lon", .double, .required)
            .field("min_lat", .double, .required)
            .field("max_lon", .double, .required)
            .field("max_lat", .double, .required)
            .field("municipality_code", .string)
            .field("mrc_code", .string)
            .field("region_code", .string)
            .field("road_names", .string, .required)
            .field("rtss", .string)
            .field("starts_text", .string, .required)
            .field("ends_text", .string, .required)
            .field("start_s", .int64, .required)
            .field("end_s", .int64, .required)
            .field("first_day", .string, .required)
            .field("last_day", .string, .required)
            .field("start_verified", .bool, .required)
            .field("end_verified", .bool, .required)
            .field("road_state", .string, .required)
            .field("lanes_closed", .int)
            .field("detour", .string, .required)
            .field("category", .string, .required)
            .field("application_number", .string)
            .field("agreement_number", .string)
            .field("contact_name", .string, .required)
            .field("contact_email", .string, .required)
            .field("contact_phone", .string, .required)
            .field("external_id", .string)
            .unique(on: "number")
            .unique(on: "organisation_id", "external_id")
            .create()
        try await database.schema(WorkPairModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("version", .int, .required)
            .field("first_id", .uuid, .required, .references(InterventionModel.schema, "id"))
            .field("second_id", .uuid, .required, .references(InterventionModel.schema, "id"))
            .field("first_owner_id", .uuid, .required)
            .field("second_owner_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("gap_days", .int, .required)
            .field("status", .string, .required)
            .field("reason", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "first_id", "second_id")
            .create()
        try await database.schema(WorkPairCommentModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("pair_id", .uuid, .required, .references(WorkPairModel.schema, "id"))
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id"))
            .field("body", .string, .required)
            .create()
        try await database.schema(WorkCounterModel.schema)
            .field(.id, .int, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        let sql = database.sql
        for (name, table, columns) in [
            ("works_interventions_owner", InterventionModel.schema, ["organisation_id", "status"]),
            ("works_interventions_period", InterventionModel.schema, ["end_s", "start_s"]),
            ("works_interventions_region", InterventionModel.schema, ["region_code", "end_s"]),
            ("works_pairs_first_owner", WorkPairModel.schema, ["first_owner_id", "status"]),
            ("works_pairs_second_owner", WorkPairModel.schema, ["second_owner_id", "status"]),
            ("works_pairs_second", WorkPairModel.schema, ["second_id"]),
            ("works_pair_comments_pair", WorkPairCommentModel.schema, ["pair_id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [WorkPairCommentModel.schema, WorkPairModel.schema, InterventionModel.schema, WorkCounterModel.schema] {
            try await database.schema(table).delete()
        }
    }
}
