import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// The indicators each program's accountability reports ask (km of bike lanes built, collisions
/// before and after…), as questions of the request module's kinds; the shipped programs get theirs.
struct AddProgramIndicators: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GrantProgramModel.schema).field("indicators", .string, .required, .sql(.default("[]"))).update()
        let sql = database.sql
        for seed in try GrantCatalog.seeds() {
            try await sql.update(GrantProgramModel.schema).set("indicators", to: SQLBind(GrantProgramModel.json(seed.indicators ?? [])))
                .where("code", .equal, SQLBind(seed.code)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GrantProgramModel.schema).deleteField("indicators").update()
    }
}
