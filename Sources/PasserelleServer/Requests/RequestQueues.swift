import Fluent
import FluentSQL
import Foundation
import PasserelleCore
import SQLKit

/// What makes a queue page fast with a million requests: the open requests of a unit or of a
/// person, in the order the queue shows them (expected date, then number), read from a partial
/// index of the open requests only.
///
/// The indexes' condition is `status NOT IN ('closed', 'transferred', 'merged')`. A query uses
/// them only when its own condition says the same thing with the same constants (a bound
/// parameter proves nothing to SQLite's planner), so `openFilter` writes it as a literal.
enum RequestQueues {
    /// The statuses after which a request is no longer in anyone's queue.
    static let finished: [RequestStatus] = [.closed, .transferred, .merged]

    static let condition = "status NOT IN ('closed', 'transferred', 'merged')"

    /// The open requests, in the words of the partial indexes.
    static var openFilter: DatabaseQuery.Filter {
        .sql(unsafeRaw: "\"\(RequestModel.schema)\".\(condition)")
    }
}

struct CreateRequestQueueIndexes: AsyncMigration {
    static let indexes: [(name: String, columns: String, partial: Bool)] = [
        ("requests_open_unit", "unit_id, expected_on, number", true),
        ("requests_open_assignee", "assignee_id, expected_on, number", true),
        ("requests_organisation_expected", "organisation_id, expected_on, number", false),
        ("requests_expected", "expected_on, number", false),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes {
            let condition = index.partial ? " WHERE \(RequestQueues.condition)" : ""
            try await sql.raw(SQLQueryString("CREATE INDEX \(index.name) ON requests (\(index.columns))\(condition)")).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes {
            try await sql.raw(SQLQueryString("DROP INDEX \(index.name)")).run()
        }
    }
}
