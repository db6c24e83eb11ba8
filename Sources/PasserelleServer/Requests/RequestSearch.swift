import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Full-text search over requests, on both databases, accent- and case-insensitive.
///
/// Two texts per request, already folded by `Requests.searchable` (lower case, no accents):
/// `search_text` (number, title, description, messages to and from the municipality) and
/// `search_internal` (the ministry's internal notes). A municipal user searches the first only;
/// ministry staff search both. SQLite indexes them with FTS5 (an external-content table kept in step
/// by triggers), PostgreSQL with two generated `tsvector` columns and GIN indexes. Every word of the
/// query must appear, each as a word prefix (`ecol` finds « école »).
enum RequestSearch {
    /// The query's words, folded like the indexed text; at most eight, each kept to letters and digits.
    static func terms(_ query: String) -> [String] {
        let folded = Requests.searchable([query])
        let words = folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        return Array(words.prefix(8))
    }

    /// The filter that keeps the requests matching every term (none: no filter).
    static func filter(_ terms: [String], internalNotes: Bool, dialect: DatabaseDialect) -> DatabaseQuery.Filter? {
        guard !terms.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            // `"word"*`: a quoted prefix, so no word of the query is read as FTS5 syntax.
            let match = terms.map { "\"\($0)\"*" }.joined(separator: " ")
            let column = internalNotes ? "requests_fts" : "search_text"
            return .sql(embed: """
                \(ident: RequestModel.schema).rowid IN (SELECT rowid FROM requests_fts WHERE \(ident: column) MATCH \(bind: match))
                """)
        case .postgres:
            let query = terms.map { "\($0):*" }.joined(separator: " & ")
            let column = internalNotes ? "search_all" : "search_public"
            return .sql(embed: """
                \(ident: RequestModel.schema).\(ident: column) @@ to_tsquery('simple', \(bind: query))
                """)
        }
    }
}

/// Adds the internal-notes text and the full-text indexes (FTS5 on SQLite, `tsvector` + GIN on
/// PostgreSQL) to the requests.
struct CreateRequestSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(RequestModel.schema).field("search_internal", .string, .required, .sql(.default(""))).update()
        switch DatabaseDialect(database) {
        case .sqlite:
            for statement in [
                """
                CREATE VIRTUAL TABLE requests_fts USING fts5(search_text, search_internal, content='requests',
                    content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')
                """,
                """
                CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN
                    INSERT INTO requests_fts(rowid, search_text, search_internal)
                    VALUES (new.rowid, new.search_text, new.search_internal);
                END
                """,
                """
                CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN
                    INSERT INTO requests_fts(requests_fts, rowid, search_text, search_internal)
                    VALUES ('delete', old.rowid, old.search_text, old.search_internal);
                END
                """,
                """
                CREATE TRIGGER requests_fts_update AFTER UPDATE OF search_text, search_internal ON requests BEGIN
                    INSERT INTO requests_fts(requests_fts, rowid, search_text, search_internal)
                    VALUES ('delete', old.rowid, old.search_text, old.search_internal);
                    INSERT INTO requests_fts(rowid, search_text, search_internal)
                    VALUES (new.rowid, new.search_text, new.search_internal);
                END
                """,
                "INSERT INTO requests_fts(requests_fts) VALUES ('rebuild')",
            ] {
                try await sql.raw(SQLQueryString(statement)).run()
            }
        case .postgres:
            for statement in [
                """
                ALTER TABLE requests ADD COLUMN search_public tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED
                """,
                """
                ALTER TABLE requests ADD COLUMN search_all tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' || search_internal)) STORED
                """,
                "CREATE INDEX requests_search_public ON requests USING gin (search_public)",
                "CREATE INDEX requests_search_all ON requests USING gin (search_all)",
            ] {
                try await sql.raw(SQLQueryString(statement)).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        switch DatabaseDialect(database) {
        case .sqlite:
            for statement in ["DROP TRIGGER requests_fts_insert", "DROP TRIGGER requests_fts_delete",
                              "DROP TRIGGER requests_fts_update", "DROP TABLE requests_fts"] {
                try await sql.raw(SQLQueryString(statement)).run()
            }
        case .postgres:
            try await sql.raw("ALTER TABLE requests DROP COLUMN search_public, DROP COLUMN search_all").run()
        }
        try await database.schema(RequestModel.schema).deleteField("search_internal").update()
    }
}
