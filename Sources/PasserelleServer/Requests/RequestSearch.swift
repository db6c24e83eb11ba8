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
/// query must appear; the last one as a word prefix (`ecol` finds « école », as one types), the others
/// as whole words, which keeps a search fast on a million requests. Little words (`de`, `la`…) are
/// left out when there are others. A request number (`DM-2026-000123`) is looked up directly.
enum RequestSearch {
    /// Words too common to narrow anything down.
    static let stopWords: Set<String> = ["a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par",
                                         "pour", "sur", "un", "une", "and", "of", "the", "to"]

    /// The query's words, folded like the indexed text; at most eight, each kept to letters and digits.
    static func terms(_ query: String) -> [String] {
        let folded = Requests.searchable([query])
        let words = folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        let meaningful = words.filter { !stopWords.contains($0) }
        return Array((meaningful.isEmpty ? words : meaningful).prefix(8))
    }

    /// The number a query names, when it is one whole request number.
    static func number(_ query: String) -> String? {
        let trimmed = query.trimmingCharacters(in: .whitespaces).uppercased()
        return trimmed.range(of: #"^DM-\d{4}-\d{6}$"#, options: .regularExpression) != nil ? trimmed : nil
    }

    /// The filter that keeps the requests matching the query (none: no filter). `scoped`: the reader
    /// sees a few organisations' requests only (a municipality's few hundred a year). On SQLite such
    /// a search reads those rows' text word by word rather than the index's list of every request
    /// with that word, which for a common word is tens of thousands long.
    static func filter(query: String, internalNotes: Bool, scoped: Bool = false, dialect: DatabaseDialect) -> DatabaseQuery.Filter? {
        if let number = number(query) {
            return .value(.path(["number"], schema: RequestModel.schema), .equal, .bind(number))
        }
        let terms = terms(query)
        if scoped, !internalNotes, dialect == .sqlite, !terms.isEmpty {
            // The folded text is words separated by one space: ` word ` is a whole word, ` last` a prefix.
            return .group(terms.enumerated().map { i, term in
                let pattern = i == terms.count - 1 ? "% \(term)%" : "% \(term) %"
                return .sql(embed: "(' ' || \(ident: RequestModel.schema).search_text || ' ') LIKE \(bind: pattern)")
            }, .and)
        }
        return filter(terms, internalNotes: internalNotes, dialect: dialect)
    }

    /// The same, with the index read once: a list's count and its page both need the matches, so
    /// when there are few (a municipality and a subject: a few hundred at most) they are taken first
    /// and passed as a list, rather than the index searched twice — and, on PostgreSQL, rather than a
    /// plan that walks the queue's order testing every row against the query.
    /// `owners`: the organisations a scoped reader sees (nil: everything).
    static func filter(query: String, internalNotes: Bool, owners: Set<UUID>?, on db: any Database) async throws -> DatabaseQuery.Filter? {
        let dialect = DatabaseDialect(db)
        let terms = terms(query)
        let sql = db as! any SQLDatabase
        if let owners, dialect == .postgres, number(query) == nil, !terms.isEmpty, !owners.isEmpty {
            // The organisations' few hundred requests first, then the query on them alone (the
            // planner would otherwise start from the index's every request with the word).
            let tsquery = tsQuery(terms)
            let column = internalNotes ? "search_all" : "search_public"
            let rows = try await sql.raw("""
                WITH mine AS MATERIALIZED (SELECT id, \(ident: column) AS v FROM requests
                                           WHERE organisation_id IN (\(binds: Array(owners))))
                SELECT id FROM mine WHERE v @@ to_tsquery('simple', \(bind: tsquery))
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return .sql(embed: "1 = 0") }
            return .value(.path(["id"], schema: RequestModel.schema), .subset(inverse: false), .array(ids.map { .bind($0) }))
        }
        guard owners == nil, number(query) == nil else {
            return filter(query: query, internalNotes: internalNotes, scoped: owners != nil, dialect: dialect)
        }
        guard !terms.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            guard let matches = filter(terms, internalNotes: internalNotes, dialect: dialect) else { return nil }
            let match = ftsMatch(terms)
            let column = internalNotes ? "requests_fts" : "search_text"
            let rows = try await sql.raw("""
                SELECT rowid AS r FROM requests_fts WHERE \(ident: column) MATCH \(bind: match) LIMIT \(literal: fewMatches + 1)
                """).all()
            guard rows.count <= fewMatches else { return matches }
            let ids = try rows.map { try $0.decode(column: "r", as: Int64.self) }
            return .sql(embed: "\(ident: RequestModel.schema).rowid IN (\(unsafeRaw: ids.isEmpty ? "0" : ids.map(String.init).joined(separator: ", ")))")
        case .postgres:
            guard let query = try await expandedTsQuery(terms, on: sql) else { return .sql(embed: "1 = 0") }
            let column = internalNotes ? "search_all" : "search_public"
            let matches = tsMatch(query, internalNotes: internalNotes)
            let rows = try await sql.raw("""
                SELECT id FROM requests WHERE \(ident: column) @@ to_tsquery('simple', \(bind: query)) LIMIT \(literal: fewMatches + 1)
                """).all()
            guard rows.count <= fewMatches else { return matches }
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return .sql(embed: "1 = 0") }
            return .value(.path(["id"], schema: RequestModel.schema), .subset(inverse: false), .array(ids.map { .bind($0) }))
        }
    }

    /// FTS5's query: `"word" "last"*` — quoted, so no word of the query is read as FTS5 syntax.
    static func ftsMatch(_ terms: [String]) -> String {
        terms.enumerated().map { i, term in "\"\(term)\"" + (i == terms.count - 1 ? "*" : "") }.joined(separator: " ")
    }

    /// PostgreSQL's: `word & last:*`.
    static func tsQuery(_ terms: [String]) -> String {
        terms.enumerated().map { i, term in term + (i == terms.count - 1 ? ":*" : "") }.joined(separator: " & ")
    }

    /// PostgreSQL's, with the last word's prefix turned into the whole words that start with it, from
    /// the vocabulary of indexed words (`request_words`): `rimouski & ('trottoir' | 'trottoirs')`. GIN
    /// gathers every request holding a word with a prefix into a bitmap before it intersects (17.7 ms
    /// for `trottoir:*` on a million requests), where whole words skip through their lists (0.7 ms).
    /// A prefix that more than `expansionLimit` words start with stays a prefix. Nil: no indexed word
    /// starts so, and nothing can match.
    static func expandedTsQuery(_ terms: [String], on sql: any SQLDatabase) async throws -> String? {
        guard let last = terms.last else { return nil }
        let rows = try await sql.raw("""
            SELECT word FROM request_words WHERE word >= \(bind: last) AND word < \(bind: last + "\u{10FFFF}")
            ORDER BY word LIMIT \(literal: expansionLimit + 1)
            """).all()
        guard !rows.isEmpty else { return nil }
        guard rows.count <= expansionLimit else { return tsQuery(terms) }
        let words = try rows.map { "'" + (try $0.decode(column: "word", as: String.self)).replacingOccurrences(of: "'", with: "''") + "'" }
        let alternatives = words.count == 1 ? words[0] : "(" + words.joined(separator: " | ") + ")"
        return (terms.dropLast() + [alternatives]).joined(separator: " & ")
    }

    /// A prefix is turned into at most this many whole words.
    static let expansionLimit = 64

    /// Up to this many matches are read once and passed as a list.
    static let fewMatches = 2_000

    static func filter(_ terms: [String], internalNotes: Bool, dialect: DatabaseDialect) -> DatabaseQuery.Filter? {
        guard !terms.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            // `"word"`, `"last"*`: quoted, so no word of the query is read as FTS5 syntax.
            let match = ftsMatch(terms)
            let column = internalNotes ? "requests_fts" : "search_text"
            return .sql(embed: """
                \(ident: RequestModel.schema).rowid IN (SELECT rowid FROM requests_fts WHERE \(ident: column) MATCH \(bind: match))
                """)
        case .postgres:
            return tsMatch(tsQuery(terms), internalNotes: internalNotes)
        }
    }

    /// PostgreSQL: the requests whose text matches a `tsquery`.
    static func tsMatch(_ query: String, internalNotes: Bool) -> DatabaseQuery.Filter {
        let column = internalNotes ? "search_all" : "search_public"
        return .sql(embed: "\(ident: RequestModel.schema).\(ident: column) @@ to_tsquery('simple', \(bind: query))")
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

/// PostgreSQL's vocabulary of indexed words (`request_words`), which the ministry's search uses to turn
/// the last word's prefix into whole words (`RequestSearch.expandedTsQuery`). Triggers keep it: the
/// words of every new request (once per statement: a group commit's batch is one insert) and of every
/// changed text (a message, a note). Words are never taken out: a word no request holds any more only
/// adds an alternative that matches nothing. Sorted in byte order (`COLLATE "C"`), so a prefix is a
/// range of the primary key. SQLite's FTS5 reads prefixes from its own index and needs none.
struct CreateRequestWords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard DatabaseDialect(database) == .postgres else { return }
        let sql = database as! any SQLDatabase
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
        let sql = database as! any SQLDatabase
        for statement in ["DROP TRIGGER request_words_insert ON requests", "DROP TRIGGER request_words_update ON requests",
                          "DROP FUNCTION request_words_added()", "DROP FUNCTION request_words_changed()", "DROP TABLE request_words"] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }
}

/// Folds the search texts written before they were kept as words separated by one space (which the
/// scoped search relies on); the full-text indexes follow through their triggers or generated columns.
struct RefoldRequestSearchText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
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
