import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Every change a person makes goes through here: `req.write { db in … }` runs the work and its
/// audit events in one transaction and returns once it is committed.
///
/// On PostgreSQL it is a plain transaction (the audit chain's head row serializes the journal,
/// everything else runs side by side). SQLite has a single writer whatever we do, and a commit
/// costs as much as the whole change: there, changes queue for one writer that runs whatever has
/// gathered in one transaction (group commit) and writes the batch's audit events in one
/// statement, the chain's head kept in memory for the batch. Each change runs under its own
/// savepoint: one that fails is rolled back alone and its caller gets its error, the others commit.
final class WriteQueue: Sendable {
    typealias Work = @Sendable (any Database) async throws -> any Sendable

    private struct Job: Sendable {
        let work: Work
        let done: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    /// The most changes one commit carries: bounds the batch's audit insert (16 values an event,
    /// well under SQLite's limit on bound values) and how long a caller may wait behind others.
    static let batchLimit = 128

    /// The transaction of the change running in this task, if any.
    @TaskLocal static var inside: (any Database)?

    private let state = NIOLockedValueBox(State())
    private let database: @Sendable () -> any Database
    let grouped: Bool

    init(grouped: Bool, database: @escaping @Sendable () -> any Database) {
        self.grouped = grouped
        self.database = database
    }

    func perform<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // Inside a change already (a helper that writes, called from a write): same transaction.
        if let db = Self.inside { return try await work(db) }
        guard grouped else {
            return try await database().transaction { db in try await Self.$inside.withValue(db) { try await work(db) } }
        }
        let value = try await withCheckedThrowingContinuation { (done: CheckedContinuation<any Sendable, any Error>) in
            let start = state.withLockedValue { state -> Bool in
                state.pending.append(Job(work: { try await work($0) }, done: done))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
        return value as! T
    }

    private func drain() async {
        while true {
            // Callers whose change just committed are about to queue their next one: let them, so
            // that the next batch carries them all rather than the first that came back.
            await Task.yield()
            let batch = state.withLockedValue { state -> [Job] in
                let batch = Array(state.pending.prefix(Self.batchLimit))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await run(batch)
        }
    }

    private func run(_ jobs: [Job]) async {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await database().transaction { db in
                let sql = db as! any SQLDatabase
                let audit = try await AuditBatch.open(on: db)
                var outcomes: [Result<any Sendable, any Error>] = []
                outcomes.reserveCapacity(jobs.count)
                for job in jobs {
                    // A savepoint per change: one that fails is undone alone, the others stand.
                    try await sql.raw("SAVEPOINT change").run()
                    let mark = audit.mark
                    do {
                        let value = try await AuditBatch.$current.withValue(audit) {
                            try await Self.$inside.withValue(db) { try await job.work(db) }
                        }
                        outcomes.append(.success(value))
                    } catch {
                        try await sql.raw("ROLLBACK TO SAVEPOINT change").run()
                        audit.restore(mark)
                        outcomes.append(.failure(error))
                    }
                }
                try await audit.flush()
                return outcomes
            }
        } catch {
            // The transaction itself failed (the commit, the disk): none of its changes stand.
            for job in jobs { job.done.resume(throwing: error) }
            return
        }
        for (job, outcome) in zip(jobs, outcomes) { job.done.resume(with: outcome) }
    }
}

/// The audit events of one group-commit batch: the chain's head read once when the batch takes the
/// write lock, each event hashed in memory, all inserted in one statement before the commit.
final class AuditBatch: @unchecked Sendable {
    @TaskLocal static var current: AuditBatch?

    let database: any Database
    // Touched only by the batch's own task, one change after the other.
    private var sequence: Int
    private var hash: String
    private var events: [AuditEventModel] = []

    private init(database: any Database, sequence: Int, hash: String) {
        self.database = database
        self.sequence = sequence
        self.hash = hash
    }

    /// Takes SQLite's write lock with a first statement that writes (a deferred transaction that
    /// read first could not upgrade its lock once another writer committed) and reads the head.
    static func open(on db: any Database) async throws -> AuditBatch {
        guard let head = try await (db as! any SQLDatabase).raw("""
            UPDATE audit_chain_head SET sequence = sequence WHERE id = 1 RETURNING sequence, hash
            """).first() else {
            throw Abort(.internalServerError, reason: "the audit chain head is missing")
        }
        return AuditBatch(database: db, sequence: try head.decode(column: "sequence", as: Int.self),
                          hash: try head.decode(column: "hash", as: String.self))
    }

    /// Where the batch stands, to undo a change that failed.
    var mark: (sequence: Int, hash: String, count: Int) { (sequence, hash, events.count) }

    func restore(_ mark: (sequence: Int, hash: String, count: Int)) {
        sequence = mark.sequence
        hash = mark.hash
        events.removeLast(events.count - mark.count)
    }

    /// Chains an event after the last one; it is written by `flush`.
    func append(_ event: AuditEventModel) {
        sequence += 1
        event.sequence = sequence
        event.previousHash = hash
        event.hash = event.computedHash()
        hash = event.hash
        events.append(event)
    }

    func flush() async throws {
        guard !events.isEmpty else { return }
        let sql = database as! any SQLDatabase
        var insert = sql.insert(into: AuditEventModel.schema).columns(AuditEventModel.columns)
        for event in events { insert = insert.values(event.bindings) }
        try await insert.run()
        try await sql.update(AuditChainHeadModel.schema)
            .set("sequence", to: SQLBind(sequence)).set("hash", to: SQLBind(hash))
            .where("id", .equal, SQLBind(1)).run()
        events.removeAll()
    }
}

extension Application {
    private struct WriteQueueKey: StorageKey { typealias Value = WriteQueue }

    /// Where changes go (see `WriteQueue`). Set up by `configure`.
    var writes: WriteQueue {
        get {
            guard let queue = storage[WriteQueueKey.self] else { fatalError("configure(_:) sets up the write queue") }
            return queue
        }
        set { storage[WriteQueueKey.self] = newValue }
    }

    /// Runs a change and its audit events in one transaction (see `WriteQueue`).
    @discardableResult
    func write<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await writes.perform(work)
    }
}

extension Request {
    /// Runs a change and its audit events in one transaction (see `WriteQueue`).
    @discardableResult
    func write<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.writes.perform(work)
    }
}
