import Foundation
import Logging
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

/// Boots the real app in process against a fresh database: an in-memory SQLite by default, or a
/// schema of its own in the PostgreSQL named by `TEST_DATABASE_URL` (dropped afterwards).
/// `onDisk`: a SQLite file in WAL mode as in production, instead of the shared in-memory database,
/// for tests of concurrent writers (the in-memory database locks whole tables).
/// `environment`: `.production` for what a production instance refuses (demo data, demo accounts).
func withPasserelle(onDisk: Bool = false, environment: Environment = .testing,
                    _ test: (Application) async throws -> Void) async throws {
    let app = try await Application.make(environment)
    app.logger.logLevel = .warning
    var schema: String?
    var folder: URL?
    do {
        let settings: Settings
        if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty {
            let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            schema = name
            settings = Settings(database: .postgres(url: url, searchPath: name))
        } else if onDisk {
            let made = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-test-\(UUID().uuidString)")
            folder = made
            settings = Settings(database: .sqliteFile(made.appendingPathComponent("test.sqlite").path))
        } else {
            settings = Settings(database: .sqliteMemory)
        }
        // The whole suite runs at once on two cores: a connection may take a while to come.
        var patient = settings
        patient.poolTimeoutSeconds = 120
        // And a batch of the write queue may hold SQLite's lock for seconds while another writer waits.
        patient.sqliteBusyTimeoutMilliseconds = 120_000
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-files-\(UUID().uuidString)")
        patient.attachmentsPath = files.path
        try await configure(app, settings: patient)
        if let schema {
            try await app.db.sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
        }
        try await prepare(app)
        try await test(app)
    } catch {
        await cleanUp(app, schema: schema)
        if let folder { try? FileManager.default.removeItem(at: folder) }
        throw error
    }
    await cleanUp(app, schema: schema)
    if let folder { try? FileManager.default.removeItem(at: folder) }
}

private func cleanUp(_ app: Application, schema: String?) async {
    if let schema {
        try? await app.db.sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
}

var isPostgresRun: Bool { !(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] ?? "").isEmpty }

extension TestingHTTPResponse {
    /// The body as a JSON object (or array), for assertions on fields.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
    }

    func object() throws -> [String: Any] {
        try #require(try json() as? [String: Any])
    }
}
