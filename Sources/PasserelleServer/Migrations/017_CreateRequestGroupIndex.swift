import Fluent
import FluentSQL
import Foundation
import PasserelleCore
import SQLKit

/// The requests merged into a file, found from it (a coordinated answer reaches each).
struct CreateRequestGroupIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql
            .raw("CREATE INDEX requests_merged_into ON requests (merged_into) WHERE merged_into IS NOT NULL").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX requests_merged_into").run()
    }
}
