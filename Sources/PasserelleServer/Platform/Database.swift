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

    /// A timestamp column as milliseconds since 1970 (SQLite keeps Fluent's dates as seconds in a REAL).
    func epochMilliseconds(_ column: String) -> String {
        switch self {
        case .sqlite: "CAST(\(column) * 1000 AS INTEGER)"
        case .postgres: "CAST(EXTRACT(EPOCH FROM \(column)) * 1000 AS BIGINT)"
        }
    }

    /// Settings applied to every new SQLite connection: write-ahead log (readers never wait for the
    /// writer), foreign keys enforced, and a busy timeout instead of an immediate "database is locked".
    static func sqlitePragmas(busyTimeout milliseconds: Int, mmapBytes: Int = 0) -> [String] { [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = \(milliseconds)",
        // Savepoints (one per change in a group commit) keep their journal in memory, not in a file.
        "PRAGMA temp_store = MEMORY",
        // 64 MiB of pages kept per connection (SQLite's default is 2 MiB): a million requests'
        // indexes stay at hand while nothing is written (a reader drops its pages after a commit).
        "PRAGMA cache_size = -65536",
        // No memory map unless asked (`SQLITE_MMAP_BYTES`): after each commit a reader unmaps all of
        // it, and each unmap interrupts every core.
        "PRAGMA mmap_size = \(mmapBytes)",
        // No checkpoint inside a commit (its fsync would hold the writer): `startSQLiteCheckpoints`
        // runs them in the background.
        "PRAGMA wal_autocheckpoint = 0",
    ] }

    /// Whether the database answers at all (for `/readyz`).
    static func ping(_ database: any Database) async throws {
        try await database.sql.raw("SELECT 1").run()
    }
}

extension Application {
    func configureDatabase(_ choice: Settings.DatabaseChoice, poolTimeout: Int = 10) throws {
        let timeout = TimeAmount.seconds(Int64(poolTimeout))
        switch choice {
        case .sqliteFile(let path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            useSQLite(.file(path: path), timeout: timeout)
        case .sqliteMemory:
            useSQLite(.memory(identifier: UUID().uuidString), timeout: timeout)
        case .postgres(let url, let searchPath):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let searchPath { configuration.searchPath = [searchPath] }
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: timeout,
                                    encodingContext: .default, decodingContext: .default, sqlLogLevel: .debug),
                          as: .psql)
            // The writer's own connection: a batch never waits for a reader's to come free (a
            // filing's reads took every pooled one, and the writer waited 5 ms for its turn).
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 1, connectionPoolTimeout: timeout,
                                    encodingContext: .default, decodingContext: .default, sqlLogLevel: .debug),
                          as: .psqlWriter, isDefault: false)
            let loop = eventLoopGroup.next()
            writerDatabase = { [unowned self] in self.databases.database(.psqlWriter, logger: self.logger, on: loop)! }
        }
    }

    /// Readers (one connection per event loop) and, on the same file, the connection of the one
    /// writer (`WriteQueue`), so that a batch being written never holds a reader's connection.
    private func useSQLite(_ storage: SQLiteConfiguration.Storage, timeout: TimeAmount) {
        databases.use(.sqlite(.init(storage: storage), connectionPoolTimeout: timeout, sqlLogLevel: .debug), as: .sqlite)
        databases.use(.sqlite(.init(storage: storage), connectionPoolTimeout: timeout, sqlLogLevel: .debug), as: .sqliteWriter,
                      isDefault: false)
        let loop = eventLoopGroup.next()
        writerDatabase = { [unowned self] in self.databases.database(.sqliteWriter, logger: self.logger, on: loop)! }
    }

    private struct WriterKey: StorageKey { typealias Value = @Sendable () -> any Database }

    /// The connection of the one writer (`WriteQueue`), on one event loop.
    var writerDatabase: (@Sendable () -> any Database)? {
        get { storage[WriterKey.self] }
        set { storage[WriterKey.self] = newValue }
    }

    /// Applies the SQLite pragmas to every pooled connection (one per event loop) and the writer's
    /// at start. SQLiteNIO already retries on a busy database; the timeout bounds that wait.
    func prepareSQLiteConnections() async throws {
        guard DatabaseDialect(db) == .sqlite else { return }
        var connections = eventLoopGroup.makeIterator().map { databases.database(logger: logger, on: $0)! }
        if let writer = writerDatabase { connections.append(writer()) }
        for database in connections {
            for pragma in DatabaseDialect.sqlitePragmas(busyTimeout: settings.sqliteBusyTimeoutMilliseconds,
                                                                    mmapBytes: settings.sqliteMmapBytes) {
                try await database.sql.raw(SQLQueryString(pragma)).run()
            }
        }
    }

    /// Past this many frames (4 KiB pages) in the write-ahead log, the writer copies it back itself
    /// (`WriteQueue.requestCheckpoint`).
    static let walFramesBeforeWriterCheckpoint = 4_096

    /// Copies the write-ahead log into the database file every second, from a reader's connection,
    /// so that its fsync never holds the writer; the log restarts once all of it is copied. When
    /// commits keep coming, it cannot all be copied from outside: past
    /// `walFramesBeforeWriterCheckpoint` frames, the writer is asked to copy it between two batches.
    func startSQLiteCheckpoints() {
        guard case .sqliteFile = settings.database else { return }
        let app = self
        repeatEvery(.seconds(1), after: .seconds(1)) {
            do {
                let row = try await app.db.sql.raw("PRAGMA wal_checkpoint(PASSIVE)").first()
                // busy, frames in the log, frames copied.
                if let frames = try row?.decode(column: "log", as: Int.self),
                   frames > Application.walFramesBeforeWriterCheckpoint {
                    app.writes.requestCheckpoint()
                }
            } catch {
                app.logger.warning("SQLite checkpoint failed: \(error)")
            }
        }
    }
}

extension DatabaseID {
    /// The SQLite connection of the one writer (`WriteQueue`).
    static let sqliteWriter = DatabaseID(string: "sqlite-writer")
    /// The PostgreSQL connection of the one writer (`WriteQueue`).
    static let psqlWriter = DatabaseID(string: "psql-writer")
}

/// Inserts many rows in few statements, without Fluent's per-model reflection (measured: two thirds
/// of a first start went to it). Batches stay under SQLite's limit on bound parameters.
func bulkInsert(into table: String, columns: [String], rows: [[any Encodable & Sendable]], on db: any Database) async throws {
    guard !rows.isEmpty else { return }
    let sql = db.sql
    let perBatch = max(1, 30_000 / max(1, columns.count))
    for start in stride(from: 0, to: rows.count, by: perBatch) {
        var insert = sql.insert(into: table).columns(columns)
        for row in rows[start..<min(start + perBatch, rows.count)] {
            insert = insert.values(row.map { SQLBind($0) })
        }
        try await insert.run()
    }
}

extension Database {
    /// This database as SQLKit sees it, for the statements Fluent cannot say (`docs/ARCHITECTURE.md`,
    /// data access). Both drivers Passerelle configures are SQL databases, so the cast cannot fail;
    /// it is written here once instead of at every use.
    var sql: any SQLDatabase { self as! any SQLDatabase }
}
