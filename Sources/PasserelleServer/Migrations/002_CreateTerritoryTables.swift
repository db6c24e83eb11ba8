import Fluent
import SQLKit
import PasserelleCore

struct CreateTerritoryTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RegionModel.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .unique(on: "code")
            .create()
        try await database.schema(DesignationModel.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("is_local_municipality", .bool, .required)
            .unique(on: "code")
            .create()
        try await database.schema(TerritoryUnitModel.schema)
            .id()
            .field("code", .string, .required)
            .field("type", .string, .required)
            .field("name", .string, .required)
            .field("region_code", .string, .required)
            .unique(on: "code")
            .foreignKey("region_code", references: RegionModel.schema, "code", onDelete: .restrict)
            .create()
        try await database.schema(MunicipalityModel.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("designation_code", .string, .required)
            .field("region_code", .string, .required)
            .field("territory_unit_code", .string)
            .field("active", .bool, .required)
            .field("inactive_since", .string)
            .field("population", .int)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("record", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .foreignKey("designation_code", references: DesignationModel.schema, "code", onDelete: .restrict)
            .foreignKey("region_code", references: RegionModel.schema, "code", onDelete: .restrict)
            .foreignKey("territory_unit_code", references: TerritoryUnitModel.schema, "code", onDelete: .restrict)
            .create()
        try await database.schema(TerritoryRevisionModel.schema)
            .id()
            .field("revision", .int, .required)
            .field("source", .string, .required)
            .field("added", .int, .required)
            .field("changed", .int, .required)
            .field("delisted", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "revision")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [TerritoryRevisionModel.schema, MunicipalityModel.schema, TerritoryUnitModel.schema,
                       DesignationModel.schema, RegionModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
