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
        let sql = db.sql
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
