import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit
import Vapor

/// Creates the organisations of the shipped territory on a new database.
struct SyncOrganisations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { db in
            try await OrganisationQueries.sync(try await TerritoryDirectory.load(from: db), actor: .system("first-start"), on: db)
        }
    }

    func revert(on database: any Database) async throws {
        try await OrganisationModel.query(on: database).delete()
    }
}
