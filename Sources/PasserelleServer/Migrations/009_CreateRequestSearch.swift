import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Adds the internal-notes text and the full-text indexes (FTS5 on SQLite, `tsvector` + GIN on
/// PostgreSQL) to the requests.
struct CreateRequestSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
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
        let sql = database.sql
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
