import Foundation
import SQLKit
import Vapor

/// Copies of the database an operator can put back: `passerelle backup PATH` while the server runs,
/// `passerelle restore PATH` on a stopped instance (then the journal is verified).
///
/// SQLite: `VACUUM INTO` writes a consistent copy from one read transaction (writers go on meanwhile;
/// what they commit after it began is not in the copy). PostgreSQL: `pg_dump --format=custom`, and
/// `pg_restore --clean` to put it back; both must be on the PATH, of the server's major version.
enum Backups {
    enum Failure: Error, Equatable {
        case exists(String)
        case missing(String)
        case notSQLite(String)
        case inMemory
        case tool(String, status: Int32)
        case toolMissing(String)

        var key: String {
            switch self {
            case .exists: "cli.backup.error.exists"
            case .missing: "cli.backup.error.missing"
            case .notSQLite: "cli.backup.error.not_sqlite"
            case .inMemory: "cli.backup.error.memory"
            case .tool: "cli.backup.error.tool"
            case .toolMissing: "cli.backup.error.tool_missing"
            }
        }

        var arguments: [String: String] {
            switch self {
            case .exists(let path), .missing(let path), .notSQLite(let path): ["path": path]
            case .inMemory: [:]
            case .tool(let name, let status): ["tool": name, "status": String(status)]
            case .toolMissing(let name): ["tool": name]
            }
        }
    }

    /// Writes a copy of the database to `path` (which must not exist); returns its size in bytes.
    @discardableResult
    static func backup(_ app: Application, to path: String) async throws -> Int {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.exists(path) }
        switch app.settings.database {
        case .sqliteMemory:
            throw Failure.inMemory
        case .sqliteFile:
            // Written beside, then renamed: a copy cut short is never taken for a backup.
            let partial = path + ".partiel"
            try? FileManager.default.removeItem(atPath: partial)
            try await app.db.sql.raw("VACUUM INTO \(bind: partial)").run()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        case .postgres(let url, let schema):
            try run("pg_dump", ["--format=custom", "--no-owner", "--file=\(path)"] + (schema.map { ["--schema=\($0)"] } ?? []) + [url])
        }
        return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Puts a copy back in place of the database. The instance must be stopped: nothing else may
    /// have the database open (the command says so, and cannot tell).
    static func restore(_ settings: Settings, from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path) }
        switch settings.database {
        case .sqliteMemory:
            throw Failure.inMemory
        case .sqliteFile(let target):
            let header = FileManager.default.contents(atPath: path)?.prefix(16)
            guard header == Data("SQLite format 3\0".utf8) else { throw Failure.notSQLite(path) }
            let partial = target + ".restauration"
            try? FileManager.default.removeItem(atPath: partial)
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: partial)
            // The old database's log would be replayed onto the copy: it goes with it.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: partial, toPath: target)
        case .postgres(let url, let schema):
            if let schema {
                // The dump names its schema: an empty one is made for it to fill.
                try run("psql", ["--quiet", "--set=ON_ERROR_STOP=1", "--command=DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", url])
            }
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--exit-on-error", "--dbname=\(url)", path])
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        guard let executable = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw Failure.toolMissing(tool) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.tool(tool, status: process.terminationStatus) }
    }
}
