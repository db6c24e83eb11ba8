import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// The few places where SQLite and PostgreSQL differ. Every dialect-specific piece of SQL goes
/// through here, with both branches tested.
enum DatabaseDialect: Sendable {
    case sqlite
    case postgres

    init(_ database: any Database) {
        self = (database as? any SQLDatabase)?.dialect.name == "postgresql" ? .postgres : .sqlite
    }

    /// Settings applied to every new SQLite connection: write-ahead log (readers never wait for the
    /// writer), foreign keys enforced, and a busy timeout instead of an immediate "database is locked".
    static let sqlitePragmas = [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
    ]

    /// Whether the database answers at all (for `/readyz`).
    static func ping(_ database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("SELECT 1").run()
    }
}

extension Application {
    func configureDatabase(_ choice: Settings.DatabaseChoice, poolTimeout: Int = 10) throws {
        let timeout = TimeAmount.seconds(Int64(poolTimeout))
        switch choice {
        case .sqliteFile(let path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            databases.use(.sqlite(.file(path), connectionPoolTimeout: timeout, sqlLogLevel: .debug), as: .sqlite)
        case .sqliteMemory:
            databases.use(.sqlite(.memory, connectionPoolTimeout: timeout, sqlLogLevel: .debug), as: .sqlite)
        case .postgres(let url, let searchPath):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let searchPath { configuration.searchPath = [searchPath] }
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: timeout,
                                    encodingContext: .default, decodingContext: .default, sqlLogLevel: .debug),
                          as: .psql)
        }
    }

    /// Applies the SQLite pragmas to every pooled connection (one per event loop) at start.
    /// SQLiteNIO already retries on a busy database; the timeout bounds that wait to five seconds.
    func prepareSQLiteConnections() async throws {
        guard DatabaseDialect(db) == .sqlite else { return }
        for eventLoop in eventLoopGroup.makeIterator() {
            let sql = databases.database(logger: logger, on: eventLoop) as! any SQLDatabase
            for pragma in DatabaseDialect.sqlitePragmas {
                try await sql.raw(SQLQueryString(pragma)).run()
            }
        }
    }
}

/// Inserts many rows in few statements, without Fluent's per-model reflection (measured: two thirds
/// of a first start went to it). Batches stay under SQLite's limit on bound parameters.
func bulkInsert(into table: String, columns: [String], rows: [[any Encodable & Sendable]], on db: any Database) async throws {
    guard !rows.isEmpty else { return }
    let sql = db as! any SQLDatabase
    let perBatch = max(1, 30_000 / max(1, columns.count))
    for start in stride(from: 0, to: rows.count, by: perBatch) {
        var insert = sql.insert(into: table).columns(columns)
        for row in rows[start..<min(start + perBatch, rows.count)] {
            insert = insert.values(row.map { SQLBind($0) })
        }
        try await insert.run()
    }
}
