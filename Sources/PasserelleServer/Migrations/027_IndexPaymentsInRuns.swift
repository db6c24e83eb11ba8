import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// A payment run adds up its payments by agreement three times (what each agreement holds, which
/// agreements it would overdraw, the run's count and total): an index of the payments in a run
/// that holds their agreement and amount answers the three without reading a payment's row. It
/// holds only payments in a run, so a new schedule's payments (none yet) cost it nothing.
struct IndexPaymentsInRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "grant_payments_run").run()
        try await sql.raw("""
            CREATE INDEX grant_payments_in_run ON \(unsafeRaw: AgreementPaymentModel.schema) (run_id, agreement_id, cents)
            WHERE run_id IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "grant_payments_in_run").run()
        try await sql.create(index: "grant_payments_run").on(AgreementPaymentModel.schema).column("run_id").run()
    }
}
