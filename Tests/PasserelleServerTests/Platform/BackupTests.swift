import Fluent
import Foundation
@testable import PasserelleServer
import Testing
import Vapor

/// `passerelle backup` while writers go on, and `passerelle restore` of that copy.
@Suite(.enabled(if: !isPostgresRun, "the PostgreSQL path is scripts/backup-restore.sh, run by .ci/run")) struct BackupTests {
    actor Acknowledged {
        var count = 0
        var stop = false
        func add() { count += 1 }
        func halt() { stop = true }
    }

    /// An app on a database file of its own, migrated, as `passerelle restore` leaves it.
    static func open(_ path: String, _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, settings: Settings(database: .sqliteFile(path)))
            try await prepare(app)
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func aBackupTakenDuringWritesRestoresWithAJournalThatVerifiesAndNothingAcknowledgedMissing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copie.sqlite").path
        let restored = folder.appendingPathComponent("restauree/passerelle.sqlite").path
        var window = (before: 0, after: 0)

        try await withPasserelle(onDisk: true) { app in
            // setup: four writers journaling as fast as they can
            let acknowledged = Acknowledged()
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<4 {
                        group.addTask {
                            var i = 0
                            while !(await acknowledged.stop) {
                                let id = "\(writer)-\(i)"
                                try await app.write { db in
                                    _ = try await Audit.record(on: db, actor: .system("charge"), action: "test.charge", recordType: "test",
                                                           recordID: id)
                                }
                                await acknowledged.add()
                                i += 1
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            while await acknowledged.count < 200 { try await Task.sleep(for: .milliseconds(5)) }

            // act: the copy, taken while they write
            window.before = await acknowledged.count
            try await Backups.backup(app, to: copy)
            window.after = await acknowledged.count
            await acknowledged.halt()
            try await writers.value

            // validate: a second copy to the same place is refused, nothing overwritten
            await #expect(throws: Backups.Failure.exists(copy)) { try await Backups.backup(app, to: copy) }
        }

        // act: put it back where a stopped instance keeps its database
        try Backups.restore(Settings(database: .sqliteFile(restored)), from: copy)

        // validate: the journal verifies, and it holds every write acknowledged before the copy began
        try await Self.open(restored) { app in
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))
            let kept = try await AuditEventModel.query(on: app.db).filter(\.$action == "test.charge").count()
            #expect(kept >= window.before && kept <= window.after)
        }
        #expect(throws: Backups.Failure.missing("/nulle/part.sqlite")) {
            try Backups.restore(Settings(database: .sqliteFile(restored)), from: "/nulle/part.sqlite")
        }
    }
}
