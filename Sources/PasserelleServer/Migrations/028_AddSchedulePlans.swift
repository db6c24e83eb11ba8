import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// Schedules written as rows when they come due: an agreement keeps the plan its payments
/// and reports are computed from, and the day its next dated payment falls due, which a partial
/// index finds for the payment runs. The agreements signed before keep every row they have: their
/// plan is marked empty.
struct AddSchedulePlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds them one at a time.
        try await database.schema(AgreementModel.schema).field("schedule_plan", .string).update()
        try await database.schema(AgreementModel.schema).field("next_planned_on", .string).update()
        let sql = database.sql
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementModel.schema) SET schedule_plan = '' WHERE state <> 'awaiting_signatures'
            """).run()
        try await sql.raw("""
            CREATE INDEX grant_agreements_next_planned ON \(unsafeRaw: AgreementModel.schema) (next_planned_on)
            WHERE next_planned_on IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "grant_agreements_next_planned").run()
        try await database.schema(AgreementModel.schema).deleteField("next_planned_on").update()
        try await database.schema(AgreementModel.schema).deleteField("schedule_plan").update()
    }
}
