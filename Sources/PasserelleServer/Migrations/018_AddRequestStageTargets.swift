import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

/// The service standard per stage: of a type's working days, those triage may take.
struct AddRequestStageTargets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RequestTypeModel.schema)
            .field("triage_days", .int, .required, .sql(.default(2)))
            .update()
        let sql = database.sql
        for entry in RequestTypeCatalog.entries {
            try await sql.update(RequestTypeModel.schema).set("triage_days", to: SQLBind(entry.triage))
                .where("code", .equal, SQLBind(entry.code)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RequestTypeModel.schema).deleteField("triage_days").update()
    }
}
