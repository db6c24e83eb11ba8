import Fluent
import FluentSQL
import Foundation
import PasserelleCore
import SQLKit

struct CreateRequestQueueIndexes: AsyncMigration {
    static let indexes: [(name: String, columns: String, partial: Bool)] = [
        ("requests_open_unit", "unit_id, expected_on, number", true),
        ("requests_open_assignee", "assignee_id, expected_on, number", true),
        ("requests_organisation_expected", "organisation_id, expected_on, number", false),
        ("requests_expected", "expected_on, number", false),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            let condition = index.partial ? " WHERE \(RequestQueues.condition)" : ""
            try await sql.raw(SQLQueryString("CREATE INDEX \(index.name) ON requests (\(index.columns))\(condition)")).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            try await sql.raw(SQLQueryString("DROP INDEX \(index.name)")).run()
        }
    }
}
