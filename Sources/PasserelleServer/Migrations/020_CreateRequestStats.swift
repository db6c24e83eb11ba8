import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

struct CreateRequestStats: AsyncMigration {
    /// The working days the backfill counts with (the app's, read when the migration runs).
    let days: @Sendable () -> WorkingDays

    func prepare(on database: any Database) async throws {
        try await RequestStats.create(on: database)
        try await RequestStats.backfill(on: database, days: days())
    }

    func revert(on database: any Database) async throws { try await database.schema(RequestStats.schema).delete() }
}
