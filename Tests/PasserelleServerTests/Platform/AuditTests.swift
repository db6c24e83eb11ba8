import Fluent
import Foundation
import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

@Suite struct AuditTests {
    static func write(_ count: Int, on db: any Database) async throws {
        for index in 0..<count {
            try await db.transaction { tx in
                try await Audit.record(on: tx, actor: AuditActor(label: "agent@example.org", requestID: "r-\(index)"),
                                       action: "test.update", recordType: "test", recordID: "\(index)",
                                       changes: ["name": AuditChange(before: "old \(index)", after: "new\n\(index)")])
            }
        }
    }

    @Test func chainVerifiesAndNamesTheEditedEvent() async throws {
        try await withPasserelle { app in
            try await Self.write(5, on: app.db)
            #expect(try await Audit.verify(on: app.db) == .success(7)) // territory and organisations loaded, then five
            let sql = app.db.sql
            try await sql.raw("UPDATE audit_events SET record_id = 'forged' WHERE sequence = 3").run()
            let third = try #require(try await AuditEventModel.query(on: app.db).filter(\.$sequence == 3).first())
            guard case .failure(let broken) = try await Audit.verify(on: app.db) else {
                Issue.record("an edited event went unnoticed")
                return
            }
            #expect(broken.sequence == 3)
            #expect(broken.id == third.id)
            #expect(broken.reason == .content)
        }
    }

    @Test func removedOrAppendedEventsBreakTheChain() async throws {
        try await withPasserelle { app in
            try await Self.write(4, on: app.db)
            let sql = app.db.sql
            try await sql.raw("DELETE FROM audit_events WHERE sequence = 5").run()
            guard case .failure(let broken) = try await Audit.verify(on: app.db) else {
                Issue.record("a removed last event went unnoticed")
                return
            }
            #expect(broken.sequence == 5)
        }
        try await withPasserelle { app in
            try await Self.write(3, on: app.db)
            let sql = app.db.sql
            try await sql.raw("DELETE FROM audit_events WHERE sequence = 2").run()
            guard case .failure(let broken) = try await Audit.verify(on: app.db) else {
                Issue.record("a removed event went unnoticed")
                return
            }
            #expect(broken.sequence == 2)
        }
    }

    @Test func deletingTheLastEventsAndRewindingTheHeadIsCaughtByTheCheckpoints() async throws {
        try await withPasserelle { app in
            // setup: ten events, the head checkpointed outside the database
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-checkpoints-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            app.settings.auditCheckpointPath = file
            try await Self.write(8, on: app.db)
            let first = try #require(try await AuditCheckpoints.write(app))
            #expect(try await AuditCheckpoints.write(app) == nil) // the head has not moved: no line
            try await Self.write(2, on: app.db)
            let second = try #require(try await AuditCheckpoints.write(app))
            #expect(first.sequence == 10 && second.sequence == 12 && second.previous == first.chain)
            #expect(try AuditCheckpoints.read(file) == [first, second])
            #expect(try await app.auditVerification.run(app).events == 12)

            // act: the last three events deleted and the head moved back to the ninth, as someone with the database would
            let sql = app.db.sql
            let ninth = try #require(try await AuditEventModel.query(on: app.db).filter(\.$sequence == 9).first())
            try await sql.raw("DELETE FROM audit_events WHERE sequence > 9").run()
            try await sql.raw("UPDATE audit_chain_head SET sequence = 9, hash = \(bind: ninth.hash) WHERE id = 1").run()

            // validate: the chain alone still holds, the checkpoints do not, and the missing events are named
            #expect(try await Audit.verify(on: app.db) == .success(9))
            let outcome = try await app.auditVerification.run(app)
            let broken = try #require(outcome.broken)
            #expect(broken.reason == .rewound && broken.arguments["from"] == "10" && broken.arguments["to"] == "12")
            #expect(broken.message(Localizer(.frCA)).contains("les événements 10 à 12 manquent"))
            // The administrators' page says so.
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let page = try await admin.send(.GET, "/administration/journal").body.string
            #expect(page.contains("les événements 10 à 12 manquent"))
            // And /metrics.
            let metrics = try await app.testing().sendRequest(.GET, "/metrics").body.string
            #expect(metrics.contains("passerelle_audit_journal_intact 0"))

            // A checkpoint file changed by hand is caught too.
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"sequence\":12", with: "\"sequence\":9")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(throws: AuditCheckpoints.Failure.fileAltered(line: 2)) { try AuditCheckpoints.read(file) }
            #expect(try await app.auditVerification.run(app).broken?.reason == .checkpointFile)
        }
    }

    @Test func aFailedChangeLeavesNoEvent() async throws {
        try await withPasserelle { app in
            struct Failure: Error {}
            await #expect(throws: Failure.self) {
                try await app.db.transaction { tx in
                    try await Audit.record(on: tx, actor: .system("test"), action: "test.fail", recordType: "test", recordID: "1")
                    throw Failure()
                }
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "test.fail").count() == 0)
            try await Self.write(1, on: app.db)
            #expect(try await Audit.verify(on: app.db) == .success(3)) // territory and organisations loaded, then one
        }
    }

    @Test func concurrentWritersKeepOneChain() async throws {
        try await withPasserelle(onDisk: true) { app in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for index in 0..<10 {
                            try await app.db.transaction { tx in
                                try await Audit.record(on: tx, actor: .system("worker-\(worker)"), action: "test.concurrent",
                                                       recordType: "test", recordID: "\(worker)-\(index)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Audit.verify(on: app.db) == .success(42))
        }
    }

    /// SQLite's write-ahead log starts over only when a write begins with all of it copied into the
    /// database; asked to (`requestCheckpoint`, as the background checkpoint does when the log has
    /// grown), the writer copies it between two batches, and the next batch starts it over.
    @Test func theWriterStartsTheLogOverWhenAsked() async throws {
        try await withPasserelle(onDisk: true) { app in
            guard DatabaseDialect(app.db) == .sqlite else { return }
            let sql = app.db.sql
            try await sql.raw("CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, filler TEXT NOT NULL)").run()
            let filler = String(repeating: "x", count: 3_000)
            func write(_ index: Int) async throws {
                try await app.write { db in
                    try await db.sql.raw("INSERT INTO wal_probe (id, filler) VALUES (\(bind: index), \(bind: filler))").run()
                }
            }
            for index in 0..<100 { try await write(index) }
            app.writes.requestCheckpoint()
            try await write(100)
            try await write(101)
            // The log now holds the last write only: a few pages, not the hundred written before.
            let row = try #require(try await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").first())
            #expect(try row.decode(column: "log", as: Int.self) < 10)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM wal_probe").first()?.decode(column: "n", as: Int.self) == 102)
        }
    }

    /// The write queue (group commit on SQLite, a plain transaction on PostgreSQL): many changes at
    /// once, every third one failing after it has written; a failed change leaves neither its row nor
    /// its event, the others all stand, a nested write joins its caller's transaction, and the chain
    /// stays whole — also with plain transactions writing alongside.
    @Test func writeQueueCommitsEachChangeWithItsEventsOrNothing() async throws {
        try await withPasserelle(onDisk: true) { app in
            struct Failure: Error {}
            let sql = app.db.sql
            try await sql.raw("CREATE TABLE write_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)").run()
            try await sql.raw("CREATE TABLE write_probe_rows (id INTEGER PRIMARY KEY, number INTEGER NOT NULL, year_number INTEGER NOT NULL)").run()
            try await sql.raw("CREATE TABLE write_probe_counter (id INTEGER PRIMARY KEY, last INTEGER NOT NULL)").run()
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            let echoed = try await app.write { db -> Int in
                                let sql = db.sql
                                try await sql.raw("INSERT INTO write_probe (id, label) VALUES (\(bind: index), 'ok')").run()
                                try await Audit.record(on: db, actor: .system("probe"), action: "test.probe",
                                                       recordType: "probe", recordID: "\(index)")
                                // A helper that writes, called from inside a write: same transaction.
                                try await app.write { inner in
                                    try await Audit.record(on: inner, actor: .system("probe"), action: "test.probe.inner",
                                                           recordType: "probe", recordID: "\(index)")
                                }
                                // Rows written at the commit and a counter counted in memory: a change
                                // that fails takes both back.
                                let number = try await Writes.next("write_probe_counter", key: 7, on: db)
                                // A counter of the tables a PostgreSQL batch reads whole when it opens.
                                let year = try await Writes.next(RequestCounterModel.schema, key: 1998, on: db)
                                try await Writes.insert(into: "write_probe_rows", columns: ["id", "number", "year_number"],
                                                        values: [SQLBind(index), SQLBind(number), SQLBind(year)], on: db)
                                if index % 3 == 0 { throw Failure() }
                                return index
                            }
                            #expect(echoed == index)
                            return true
                        } catch is Failure {
                            return false
                        }
                    }
                }
                group.addTask {
                    try await Self.write(5, on: app.db)
                    return true
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { !$0 }.count == 20)
            let rows = try await sql.raw("SELECT id FROM write_probe ORDER BY id").all().map { try $0.decode(column: "id", as: Int.self) }
            #expect(rows == (0..<60).filter { $0 % 3 != 0 })
            let appended = try await sql.raw("SELECT id, number, year_number FROM write_probe_rows ORDER BY id").all()
            #expect(try appended.map { try $0.decode(column: "id", as: Int.self) } == rows)
            // Every change that stood got its own number, with no gap left by those that failed.
            #expect(try Set(appended.map { try $0.decode(column: "number", as: Int.self) }) == Set(1...40))
            let last = try await sql.raw("SELECT last FROM write_probe_counter WHERE id = 7").first()?.decode(column: "last", as: Int.self)
            #expect(last == 40)
            #expect(try Set(appended.map { try $0.decode(column: "year_number", as: Int.self) }) == Set(1...40))
            let year = try await sql.raw("SELECT last FROM request_counters WHERE id = 1998").first()?.decode(column: "last", as: Int.self)
            #expect(year == 40)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$recordType == "probe").all()
            #expect(events.count == 80)
            #expect(Set(events.map(\.recordID)) == Set(rows.map(String.init)))
            #expect(try await Audit.verify(on: app.db) == .success(2 + 80 + 5))
        }
    }

    /// A change of a batch that counted and then failed gives back its count and no more: the next
    /// change gets the number after the one in the database (here the first change of the batch, on
    /// PostgreSQL before the counters read when the batch opened had come).
    @Test func aFailedChangeGivesBackItsNumberOnly() async throws {
        try await withPasserelle(onDisk: true) { app in
            try await app.db.sql.raw("INSERT INTO request_counters (id, last) VALUES (1997, 5)").run()
            try await app.db.withConnection { db in
                let sql = db.sql
                let batch: WriteBatch
                if DatabaseDialect(db) == .postgres {
                    batch = WriteBatch.begin(on: db, tables: app.writes.tables)
                } else {
                    try await sql.raw("BEGIN").run()
                    batch = try await WriteBatch.open(on: db, tables: app.writes.tables)
                }
                let before = batch.mark
                #expect(try await batch.next(RequestCounterModel.schema, key: 1997) == 6)
                batch.restore(before)
                #expect(try await batch.next(RequestCounterModel.schema, key: 1997) == 6)
                #expect(try await batch.next(RequestCounterModel.schema, key: 1997) == 7)
                try await sql.raw("ROLLBACK").run()
            }
        }
    }

    /// A batch whose writes fail at its commit (here a row appended for the commit whose key is
    /// taken): none of its changes stand, its caller gets the error, and the writer goes on (on
    /// PostgreSQL, where the batch's statements and its commit are sent at once, the transaction
    /// they aborted is ended before the connection is used again).
    @Test func aBatchThatFailsAtItsCommitLeavesNothingAndTheWriterGoesOn() async throws {
        try await withPasserelle(onDisk: true) { app in
            let sql = app.db.sql
            try await sql.raw("CREATE TABLE flush_probe (id INTEGER PRIMARY KEY)").run()
            try await sql.raw("INSERT INTO flush_probe (id) VALUES (1)").run()
            await #expect(throws: (any Error).self) {
                try await app.write { db in
                    try await Audit.record(on: db, actor: .system("probe"), action: "test.flush", recordType: "probe", recordID: "1")
                    _ = try await Writes.next(RequestCounterModel.schema, key: 1999, on: db)
                    try await Writes.insert(into: "flush_probe", columns: ["id"], values: [SQLBind(1)], on: db)
                }
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$recordType == "probe").count() == 0)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM request_counters").first()?.decode(column: "n", as: Int.self) == 0)
            let number = try await app.write { db in
                try await Audit.record(on: db, actor: .system("probe"), action: "test.flush.after", recordType: "probe", recordID: "2")
                try await Writes.insert(into: "flush_probe", columns: ["id"], values: [SQLBind(2)], on: db)
                return try await Writes.next(RequestCounterModel.schema, key: 1999, on: db)
            }
            // The failed batch took its count back with it: the first number of the year is still 1.
            #expect(number == 1)
            let ids = try await sql.raw("SELECT id FROM flush_probe ORDER BY id").all().map { try $0.decode(column: "id", as: Int.self) }
            #expect(ids == [1, 2])
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$recordType == "probe").count() == 1)
            #expect(try await Audit.verify(on: app.db) == .success(3))
        }
    }

    /// The journal's changes are written by hand: the same text as JSONEncoder with sorted keys, and
    /// they read back as they were given.
    @Test func canonicalChangesMatchTheJSONEncoder() throws {
        let changes: [String: AuditChange] = [
            "nom": .init(before: "Saint-Éloi", after: "Saint-Éloi \"nord\"\nligne 2\tet \\ / fin"),
            "Active": .init(before: nil, after: "true"),
            "contrôle": .init(before: "\u{01}\u{08}\u{0C}\u{1F}\r", after: nil),
            "vide": .init(before: nil, after: nil),
            "a_b": .init(before: "😀", after: ""),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = try AuditEventModel.canonicalChanges(changes)
        #expect(text == String(decoding: try encoder.encode(changes), as: UTF8.self))
        #expect(try JSONDecoder().decode([String: AuditChange].self, from: Data(text.utf8)) == changes)
        #expect(try AuditEventModel.canonicalChanges([:]) == "{}")
    }

    /// Timestamps are computed by hand: the same text as the ISO 8601 formatter, across leap years,
    /// year ends and instants before 1970.
    @Test func timestampsMatchTheISO8601Formatter() {
        let instants: [TimeInterval] = [0, 1_795_350_605.123, 951_782_400.999, 1_709_164_799.5, 4_102_444_799.001,
                                        -1.25, -86_400 * 365.25 * 30, 1_798_761_599.9996]
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            let text = AuditEventModel.timestamp(date)
            #expect(text == AuditEventModel.formatter.string(from: date), "\(instant)")
            #expect(AuditEventModel.date(text).map { abs($0.timeIntervalSince1970 - instant) < 0.001 } == true)
        }
    }

    @Test func changesListOnlyWhatDiffers() {
        let changes = Audit.changes(before: ["a": "1", "b": "2", "c": nil], after: ["a": "1", "b": "3", "d": "4"])
        #expect(changes == ["b": AuditChange(before: "2", after: "3"), "d": AuditChange(before: nil, after: "4")])
    }
}
