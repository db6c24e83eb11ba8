import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Folds the search texts written before they were kept as words separated by one space (which the
/// scoped search relies on); the full-text indexes follow through their triggers or generated columns.
struct RefoldRequestSearchText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        var after = ""
        while true {
            let rows = try await sql.raw("""
                SELECT number, search_text, search_internal FROM requests WHERE number > \(bind: after) ORDER BY number LIMIT 5000
                """).all()
            guard let last = rows.last else { break }
            after = try last.decode(column: "number", as: String.self)
            for row in rows {
                let text = try row.decode(column: "search_text", as: String.self)
                let notes = try row.decode(column: "search_internal", as: String.self)
                let (newText, newInternal) = (Requests.searchable([text]), Requests.searchable([notes]))
                guard newText != text || newInternal != notes else { continue }
                try await sql.raw("""
                    UPDATE requests SET search_text = \(bind: newText), search_internal = \(bind: newInternal)
                    WHERE number = \(bind: try row.decode(column: "number", as: String.self))
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {}
}
