import Fluent
import FluentSQL
import Foundation
import SQLKit

/// PostgreSQL's vocabulary of indexed words (`request_words`), which the ministry's search uses to turn
/// the last word's prefix into whole words (`RequestSearch.expandedTsQuery`). Triggers keep it: the
/// words of every new request (once per statement: a group commit's batch is one insert) and of every
/// changed text (a message, a note). Words are never taken out: a word no request holds any more only
/// adds an alternative that matches nothing. Sorted in byte order (`COLLATE "C"`), so a prefix is a
/// range of the primary key. SQLite's FTS5 reads prefixes from its own index and needs none.
struct CreateRequestWords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard DatabaseDialect(database) == .postgres else { return }
        let sql = database.sql
        for statement in [
            "CREATE TABLE request_words (word text COLLATE \"C\" PRIMARY KEY)",
            """
            CREATE FUNCTION request_words_added() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO request_words (word)
                    SELECT DISTINCT w FROM added, unnest(tsvector_to_array(added.search_all)) AS w ORDER BY w
                    ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION request_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO request_words (word)
                    SELECT w FROM (SELECT unnest(tsvector_to_array(NEW.search_all))
                                   EXCEPT SELECT unnest(tsvector_to_array(OLD.search_all))) AS t(w) ORDER BY w
                    ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER request_words_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS added
                FOR EACH STATEMENT EXECUTE FUNCTION request_words_added()
            """,
            """
            CREATE TRIGGER request_words_update AFTER UPDATE OF search_text, search_internal ON requests
                FOR EACH ROW WHEN (OLD.search_all IS DISTINCT FROM NEW.search_all) EXECUTE FUNCTION request_words_changed()
            """,
            """
            INSERT INTO request_words (word) SELECT DISTINCT unnest(tsvector_to_array(search_all)) FROM requests
            """,
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard DatabaseDialect(database) == .postgres else { return }
        let sql = database.sql
        for statement in ["DROP TRIGGER request_words_insert ON requests", "DROP TRIGGER request_words_update ON requests",
                          "DROP FUNCTION request_words_added()", "DROP FUNCTION request_words_changed()", "DROP TABLE request_words"] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}
