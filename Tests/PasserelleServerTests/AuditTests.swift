import Fluent
import Foundation
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
            let sql = app.db as! any SQLDatabase
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
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE sequence = 5").run()
            guard case .failure(let broken) = try await Audit.verify(on: app.db) else {
                Issue.record("a removed last event went unnoticed")
                return
            }
            #expect(broken.sequence == 5)
        }
        try await withPasserelle { app in
            try await Self.write(3, on: app.db)
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE sequence = 2").run()
            guard case .failure(let broken) = try await Audit.verify(on: app.db) else {
                Issue.record("a removed event went unnoticed")
                return
            }
            #expect(broken.sequence == 2)
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

    @Test func changesListOnlyWhatDiffers() {
        let changes = Audit.changes(before: ["a": "1", "b": "2", "c": nil], after: ["a": "1", "b": "3", "d": "4"])
        #expect(changes == ["b": AuditChange(before: "2", after: "3"), "d": AuditChange(before: nil, after: "4")])
    }
}
