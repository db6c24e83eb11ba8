import Fluent
import SQLKit
import PasserelleCore

/// Loads the territory files shipped with Passerelle into an empty database, so that the very first
/// `swift run passerelle` serves the whole directory.
struct LoadShippedTerritory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let files = try TerritoryFileSet.shipped()
        _ = try await TerritoryImport.apply(files, source: "shipped", on: database, today: .today,
                                            actor: .system("first-start"))
    }

    func revert(on database: any Database) async throws {
        // The journal keeps its record of the load: it is append-only.
        for schema in [TerritoryRevisionModel.schema, MunicipalityModel.schema, TerritoryUnitModel.schema,
                       DesignationModel.schema, RegionModel.schema] {
            try await database.sql.delete(from: schema).run()
        }
    }
}
