import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Every change a person makes goes through here: `req.write { db in … }` runs the work and its
/// audit events in one transaction and returns once it is committed.
///
/// Changes queue for one writer that runs whatever has gathered in one transaction (group commit):
/// SQLite has a single writer whatever we do, and on PostgreSQL the audit chain's head row would
/// serialize the transactions of every change anyway, each paying its own commit. The batch writes
/// its audit events, and the rows its changes append (`Writes.insert`), in a few statements before
/// the commit, the chain's head and counters kept in memory meanwhile (`WriteBatch`). Each change
/// runs under its own savepoint: one that fails is rolled back alone and its caller gets its
/// error, the others commit. `WriteQueue(grouped: false)` runs each change in its own transaction.
final class WriteQueue: Sendable {
    typealias Work = @Sendable (any Database) async throws -> any Sendable

    private struct Job: Sendable {
        let work: Work
        let done: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
        /// The write-ahead log has grown: the writer copies it back between two batches.
        var checkpointDue = false
    }

    /// The most changes one commit carries: bounds the batch's audit insert (16 values an event,
    /// well under SQLite's limit on bound values) and how long a caller may wait behind others.
    static let batchLimit = 128

    /// The transaction of the change running in this task, if any.
    @TaskLocal static var inside: (any Database)?

    private let state = NIOLockedValueBox(State())
    private let database: @Sendable () -> any Database
    let grouped: Bool
    /// PostgreSQL keeps at most 64 open subtransactions per session in shared memory; past that
    /// every snapshot of every session slows down. There each change's savepoint is released.
    let releasesSavepoints: Bool
    /// PostgreSQL: a batch's statements are sent without waiting for each answer (`runPipelined`).
    let pipelined: Bool

    /// The modules' counter tables and the order their rows go in (registered in `configure`).
    let tables: WriteTables

    init(grouped: Bool, releasesSavepoints: Bool = false, pipelined: Bool = false, tables: WriteTables = WriteTables(),
         database: @escaping @Sendable () -> any Database) {
        self.grouped = grouped
        self.tables = tables
        self.releasesSavepoints = releasesSavepoints
        self.pipelined = pipelined
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
            if start { Task(priority: .high) { await self.drain() } }
        }
        return value as! T
    }

    private func drain() async {
        // One connection for as long as batches keep coming (taking it is a trip through the pool
        // and a new task, each batch); a batch that failed as a whole may have lost it: take another.
        while true {
            let failed: Bool
            do {
                failed = try await database().withConnection { db in await self.drainBatches(on: db) }
            } catch {
                // No connection to be had: the changes waiting fail with the error, later ones try anew.
                let waiting = state.withLockedValue { state -> [Job] in
                    defer { state.pending.removeAll(); state.draining = false }
                    return state.pending
                }
                for job in waiting { job.done.resume(throwing: error) }
                return
            }
            if !failed { return }
        }
    }

    /// Runs batches until no change waits (and returns false), or until one fails as a whole (and
    /// returns true, the queue still draining).
    private func drainBatches(on db: any Database) async -> Bool {
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
            if batch.isEmpty { return false }
            let committed = pipelined ? await runPipelined(batch, on: db) : await run(batch, on: db)
            if !committed { return true }
            if state.withLockedValue({ due in defer { due.checkpointDue = false }; return due.checkpointDue }) {
                await checkpoint(on: db)
            }
        }
    }

    /// Asks the writer to copy SQLite's write-ahead log into the database between two batches.
    ///
    /// The background checkpoint (`startSQLiteCheckpoints`) never holds the writer, but under a
    /// steady flow of commits it never catches up either: the log restarts only when a write begins
    /// with every frame copied, and a commit always lands first. The log then grows without end
    /// (880 MB after 36 s of filings), each commit writes to new pages of it, and readers search an
    /// ever larger index of it. Copied by the writer itself, between its batches, the log is whole
    /// in the database when the next batch begins, and that batch starts it over.
    func requestCheckpoint() {
        state.withLockedValue { $0.checkpointDue = true }
    }

    private func checkpoint(on db: any Database) async {
        do {
            try await db.sql.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
        } catch {
            db.logger.warning("SQLite checkpoint failed: \(error)")
        }
    }

    /// A batch in one transaction; false when the transaction itself failed.
    private func run(_ jobs: [Job], on connection: any Database) async -> Bool {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await connection.transaction { db in
                let audit = try await WriteBatch.open(on: db, tables: self.tables)
                let outcomes = try await self.perform(jobs, in: audit, on: db)
                try await audit.flush()
                return outcomes
            }
        } catch {
            // The transaction itself failed (the commit, the disk): none of its changes stand.
            for job in jobs { job.done.resume(throwing: error) }
            return false
        }
        for (job, outcome) in zip(jobs, outcomes) { job.done.resume(with: outcome) }
        return true
    }

    /// A batch on PostgreSQL, in as few waits as its changes allow. The connection runs what it is
    /// sent in the order sent, so the writer sends without waiting for each answer: the
    /// transaction's start, the chain head's lock and the counters go at once, and the changes run
    /// while they travel (an event is chained at the commit, a counter waits for them); every write
    /// of the batch then goes with the commit. Each wait for an answer is a trip through the event
    /// loop and back to a thread of the task pool, a few milliseconds when 64 filers keep both busy
    /// (measured: 12 round trips made a batch last 55 ms, its statements 9 ms).
    private func runPipelined(_ jobs: [Job], on db: any Database) async -> Bool {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            let audit = WriteBatch.begin(on: db, tables: tables)
            outcomes = try await perform(jobs, in: audit, on: db)
            try await audit.flush(committing: true)
        } catch {
            // A statement that failed aborts the transaction (and a commit sent after it rolls
            // back): end it before the connection is used again. None of the changes stand.
            _ = try? await db.sql.raw("ROLLBACK").run()
            for job in jobs { job.done.resume(throwing: error) }
            return false
        }
        for (job, outcome) in zip(jobs, outcomes) { job.done.resume(with: outcome) }
        return true
    }

    /// Runs each change of a batch, each under its own savepoint, taken when it first runs a
    /// statement (a change that only appends rows and events runs none): one that fails is undone
    /// alone.
    private func perform(_ jobs: [Job], in audit: WriteBatch, on db: any Database) async throws -> [Result<any Sendable, any Error>] {
        let sql = db.sql
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(jobs.count)
        for job in jobs {
            let change = SavepointDatabase(db)
            let mark = audit.mark
            do {
                let value = try await WriteBatch.$current.withValue(audit) {
                    try await Self.$inside.withValue(change) { try await job.work(change) }
                }
                if releasesSavepoints && change.taken { try await sql.raw("RELEASE SAVEPOINT change").run() }
                outcomes.append(.success(value))
            } catch {
                if change.taken {
                    try await sql.raw("ROLLBACK TO SAVEPOINT change").run()
                    if releasesSavepoints { try await sql.raw("RELEASE SAVEPOINT change").run() }
                }
                audit.restore(mark)
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }
}

/// The database a change of a batch runs on: the batch's transaction, with the change's savepoint
/// taken before its first statement.
final class SavepointDatabase: Database, SQLDatabase, @unchecked Sendable {
    let base: any Database
    private let sql: any SQLDatabase
    private let state = NIOLockedValueBox(false)

    init(_ base: any Database) {
        self.base = base
        self.sql = base.sql
    }

    /// Whether the savepoint was taken (the change ran a statement).
    var taken: Bool { state.withLockedValue { $0 } }

    /// Runs `then` once the savepoint is taken.
    private func taking<T>(_ then: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let first = state.withLockedValue { taken -> Bool in
            defer { taken = true }
            return !taken
        }
        guard first else { return then() }
        return sql.execute(sql: SQLRaw("SAVEPOINT change"), { _ in }).flatMap { then() }
    }

    // Database
    var context: DatabaseContext { base.context }
    var inTransaction: Bool { true }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
        taking { self.base.execute(query: query, onOutput: onOutput) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { taking { self.base.execute(schema: schema) } }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { taking { self.base.execute(enum: `enum`) } }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> { closure(self) }

    // SQLDatabase
    var logger: Logger { sql.logger }
    var eventLoop: any EventLoop { sql.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLDialect { sql.dialect }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        taking { self.sql.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await execute(sql: query, onRow).get()
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

/// What one group-commit batch writes at its commit rather than statement by statement: its audit
/// events (the chain's head read once when the batch takes the write lock, the events chained onto
/// it in memory at the commit), the rows its changes append (`Writes.insert`) and the counters they count up
/// (`Writes.next`). A change that fails takes its rows, events and counts back with it.
/// What the modules tell the write queue of their tables (registered in `configure.swift`, so
/// Platform names none of them).
struct WriteTables: Sendable {
    /// The tables of counters (`Writes.next`), read whole when a pipelined batch opens: a row a year.
    var counters: [String] = []
    /// Appended rows go in in this order of tables (a row's parent first), then any other table in
    /// the order it was first written to.
    var order: [String] = []
}

final class WriteBatch: @unchecked Sendable {
    @TaskLocal static var current: WriteBatch?


    /// The most values one insert binds (SQLite allows 32,766, PostgreSQL 65,535).
    static let bindLimit = 30_000

    let database: any Database
    let tables: WriteTables
    // Touched only by the batch's own task, one change after the other.
    /// The chain's head when the batch took it; its events are chained onto it at the commit.
    private var head: (sequence: Int, hash: String)?
    /// What the batch's opening statements answer (`begin`): set on the event loop when it comes.
    private let opening: EventLoopFuture<Opened>?
    private let arrived = NIOLockedValueBox<Result<Opened, any Error>?>(nil)
    private var events: [AuditEventModel] = []
    private var rows: [(table: String, columns: [String], values: [any SQLExpression])] = []
    private var counters: [String: Int] = [:]
    private var countersRead: [String: Int] = [:]
    /// The counter tables were read whole when the batch opened: a key not read has no row yet.
    private var counterTablesRead = false
    /// Sums added to counter rows (`Writes.add`), by table and key, in the order first added.
    private var sums: [String: Sum] = [:]
    private var sumOrder: [String] = []

    struct Sum {
        let table: String
        let key: [String]
        let values: [any SQLExpression]
        let column: String
        var delta: Int
    }

    private init(database: any Database, tables: WriteTables, head: (sequence: Int, hash: String)?,
                 opening: EventLoopFuture<Opened>?) {
        self.database = database
        self.tables = tables
        self.head = head
        self.opening = opening
        opening?.whenComplete { [arrived] result in arrived.withLockedValue { $0 = result } }
    }

    struct Opened: Sendable {
        let sequence: Int
        let hash: String
        let counters: [String: Int]
    }

    /// Takes the write lock with a first statement that writes (on SQLite a deferred transaction
    /// that read first could not upgrade its lock once another writer committed; on PostgreSQL the
    /// head row's lock orders the batches of every instance) and reads the head.
    static func open(on db: any Database, tables: WriteTables) async throws -> WriteBatch {
        guard let head = try await db.sql.raw(SQLQueryString(headLock)).first() else {
            throw Abort(.internalServerError, reason: "the audit chain head is missing")
        }
        return WriteBatch(database: db, tables: tables, head: (try head.decode(column: "sequence", as: Int.self),
                                               try head.decode(column: "hash", as: String.self)), opening: nil)
    }

    /// Starts the transaction, takes the head's lock and reads every counter row (`tables.counters`,
    /// a row a year) under it, without waiting for the answer (PostgreSQL, `runPipelined`): the
    /// batch's changes run meanwhile. A statement a change runs goes after these on the connection,
    /// so inside the transaction; a counter (`next`) and the commit (`flush`) wait for the answer.
    static func begin(on db: any Database, tables: WriteTables) -> WriteBatch {
        let sql = db.sql
        let begin = send(SQLRaw("BEGIN"), on: sql)
        let locked = send(SQLRaw(headLock), on: sql)
        let counters = send(SQLRaw(tables.counters.isEmpty ? "SELECT '' AS counter, 0 AS id, 0 AS last WHERE 1 = 0"
                                : tables.counters.map { "SELECT '\($0)' AS counter, id, last FROM \($0)" }
                                .joined(separator: " UNION ALL ")), on: sql)
        let opening = begin.and(locked.and(counters)).flatMapThrowing { _, answers -> Opened in
            let (heads, rows) = answers
            guard let head = heads.first else { throw Abort(.internalServerError, reason: "the audit chain head is missing") }
            var known: [String: Int] = [:]
            for row in rows {
                known["\(try row.decode(column: "counter", as: String.self))|\(try row.decode(column: "id", as: Int.self))"] =
                    try row.decode(column: "last", as: Int.self)
            }
            return Opened(sequence: try head.decode(column: "sequence", as: Int.self),
                          hash: try head.decode(column: "hash", as: String.self), counters: known)
        }
        return WriteBatch(database: db, tables: tables, head: nil, opening: opening)
    }

    /// Waits for the opening statements' answer, once (not at all when it has come already).
    private func opened() async throws {
        guard head == nil, let opening else { return }
        let answer: Opened
        if let arrived = arrived.withLockedValue({ $0 }) { answer = try arrived.get() } else { answer = try await opening.get() }
        head = (answer.sequence, answer.hash)
        counterTablesRead = true
        counters = answer.counters
        countersRead = answer.counters
    }

    private static let headLock = "UPDATE audit_chain_head SET sequence = sequence WHERE id = 1 RETURNING sequence, hash"


    /// Sends a statement without waiting for its answer (the connection runs statements in the
    /// order sent); its rows come with the future.
    static func send(_ query: any SQLExpression, on sql: any SQLDatabase) -> EventLoopFuture<[any SQLRow]> {
        let rows = NIOLockedValueBox<[any SQLRow]>([])
        return sql.execute(sql: query) { row in rows.withLockedValue { $0.append(row) } }
            .map { rows.withLockedValue { $0 } }
    }

    struct Mark {
        fileprivate let events: Int
        fileprivate let rows: Int
        fileprivate let counters: [String: Int]
        fileprivate let sums: [String: Sum]
        fileprivate let sumOrder: Int
    }

    /// Where the batch stands, to undo a change that failed.
    var mark: Mark {
        Mark(events: events.count, rows: rows.count, counters: counters, sums: sums, sumOrder: sumOrder.count)
    }

    func restore(_ mark: Mark) {
        events.removeLast(events.count - mark.events)
        rows.removeLast(rows.count - mark.rows)
        counters = mark.counters
        sums = mark.sums
        sumOrder.removeLast(sumOrder.count - mark.sumOrder)
    }

    func add(into table: String, key: [String], values: [any SQLExpression], identity: String, count column: String, by delta: Int) {
        let name = table + "|" + identity
        if sums[name] != nil { sums[name]!.delta += delta; return }
        sums[name] = Sum(table: table, key: key, values: values, column: column, delta: delta)
        sumOrder.append(name)
    }

    /// Adds each sum to its row, creating it at need: one statement per table and bind limit.
    static func upserts(_ sums: [Sum], on sql: any SQLDatabase) -> [any SQLExpression] {
        guard let first = sums.first else { return [] }
        let columns = first.key + [first.column]
        let perStatement = max(1, bindLimit / columns.count)
        return stride(from: 0, to: sums.count, by: perStatement).map { start in
            var insert = sql.insert(into: first.table).columns(columns)
            for sum in sums[start..<min(start + perStatement, sums.count)] { insert = insert.values(sum.values + [SQLBind(sum.delta)]) }
            return insert.onConflict(with: first.key.map { SQLIdentifier($0) }) { conflict in
                conflict.set(first.column, to: SQLBinaryExpression(SQLColumn(first.column, table: first.table), .add,
                                                                   SQLColumn(first.column, table: "excluded")) as any SQLExpression)
            }.query
        }
    }

    /// Adds each sum to its row at once.
    static func upsert(_ sums: [Sum], on sql: any SQLDatabase) async throws {
        for statement in upserts(sums, on: sql) { try await sql.execute(sql: statement) { _ in } }
    }

    /// An event of the batch: chained after the last one, and written, by `flush`.
    func append(_ event: AuditEventModel) {
        events.append(event)
    }

    func append(into table: String, columns: [String], values: [any SQLExpression]) {
        rows.append((table, columns, values))
    }

    /// The next value of a counter row (`table.id = key`, its count in `last`), read once a batch.
    func next(_ table: String, key: Int) async throws -> Int {
        try await opened()
        let name = "\(table)|\(key)"
        if let last = counters[name] {
            counters[name] = last + 1
            return last + 1
        }
        // Read whole when the batch opened, or by an earlier change: a change that failed took
        // back its own counting (`restore`), not what was read.
        if let last = countersRead[name] ?? (counterTablesRead && tables.counters.contains(table) ? 0 : nil) {
            countersRead[name] = last
            counters[name] = last + 1
            return last + 1
        }
        let row = try await database.sql.raw("SELECT last FROM \(unsafeRaw: table) WHERE id = \(bind: key)").first()
        let last = try row?.decode(column: "last", as: Int.self) ?? 0
        countersRead[name] = last
        counters[name] = last + 1
        return last + 1
    }

    /// Writes what the batch gathered. `committing` (PostgreSQL, `runPipelined`): every statement
    /// and the commit are sent at once, and answered in one round trip.
    func flush(committing: Bool = false) async throws {
        try await opened()
        let sql = database.sql
        let statements = try self.statements(on: sql)
        if committing {
            let sent = (statements + [SQLRaw("COMMIT")]).map { Self.send($0, on: sql) }
            try await EventLoopFuture.andAllSucceed(sent, on: sql.eventLoop).get()
        } else {
            for statement in statements { try await sql.execute(sql: statement) { _ in } }
        }
    }

    /// The statements that write the batch: its rows, table by table, parents first, in as few
    /// statements as the bind limit allows; its counters; its sums; its events and the new head.
    private func statements(on sql: any SQLDatabase) throws -> [any SQLExpression] {
        var statements: [any SQLExpression] = []
        if !rows.isEmpty {
            var groups: [(key: String, table: String, columns: [String], values: [[any SQLExpression]])] = []
            var index: [String: Int] = [:]
            for row in rows {
                let key = row.table + "(" + row.columns.joined(separator: ",") + ")"
                if let at = index[key] { groups[at].values.append(row.values) } else {
                    index[key] = groups.count
                    groups.append((key, row.table, row.columns, [row.values]))
                }
            }
            let ordered = groups.enumerated().sorted { a, b in
                let ra = tables.order.firstIndex(of: a.element.table) ?? tables.order.count
                let rb = tables.order.firstIndex(of: b.element.table) ?? tables.order.count
                return ra != rb ? ra < rb : a.offset < b.offset
            }.map(\.element)
            for group in ordered {
                let perStatement = max(1, Self.bindLimit / max(group.columns.count, 1))
                for start in stride(from: 0, to: group.values.count, by: perStatement) {
                    var insert = sql.insert(into: group.table).columns(group.columns)
                    for values in group.values[start..<min(start + perStatement, group.values.count)] {
                        insert = insert.values(values)
                    }
                    statements.append(insert.query)
                }
            }
            rows.removeAll()
        }
        for (name, last) in counters where countersRead[name] != last {
            let parts = name.split(separator: "|")
            statements.append(SQLQueryString("""
                INSERT INTO \(unsafeRaw: String(parts[0])) (id, last) VALUES (\(bind: Int(parts[1])!), \(bind: last))
                ON CONFLICT (id) DO UPDATE SET last = excluded.last
                """))
        }
        countersRead = counters
        if !sumOrder.isEmpty {
            let ordered = sumOrder.compactMap { sums[$0] }
            for (_, group) in Dictionary(grouping: ordered, by: { $0.table + "|" + $0.key.joined(separator: ",") }) {
                statements += Self.upserts(group, on: sql)
            }
            sums.removeAll()
            sumOrder.removeAll()
        }
        guard !events.isEmpty else { return statements }
        guard var (sequence, hash) = head else { throw Abort(.internalServerError, reason: "the batch has no chain head") }
        for event in events {
            sequence += 1
            event.sequence = sequence
            event.previousHash = hash
            event.hash = event.computedHash()
            hash = event.hash
        }
        let perStatement = Self.bindLimit / AuditEventModel.columns.count
        for start in stride(from: 0, to: events.count, by: perStatement) {
            var insert = sql.insert(into: AuditEventModel.schema).columns(AuditEventModel.columns)
            for event in events[start..<min(start + perStatement, events.count)] { insert = insert.values(event.bindings) }
            statements.append(insert.query)
        }
        statements.append(sql.update(AuditChainHeadModel.schema)
            .set("sequence", to: SQLBind(sequence)).set("hash", to: SQLBind(hash))
            .where("id", .equal, SQLBind(1)).query)
        head = (sequence, hash)
        events.removeAll()
        return statements
    }
}

/// Writing rows inside a change (`req.write`).
enum Writes {
    /// Inserts a row that nothing in the same change reads back: in a group-commit batch it is
    /// written with the batch's others in one statement at the commit (parents first, see
    /// `WriteTables.order`), otherwise at once.
    static func insert(into table: String, columns: [String], values: [any SQLExpression], on db: any Database) async throws {
        if let batch = WriteBatch.current {
            batch.append(into: table, columns: columns, values: values)
            return
        }
        try await db.sql.insert(into: table).columns(columns).values(values).run()
    }

    /// Adds `delta` to the `count` column of the row with this key (made at need): in a batch,
    /// summed in memory and written at the commit; otherwise one statement.
    static func add(into table: String, key: [String], values: [any SQLExpression], identity: String, count column: String,
                    by delta: Int, on db: any Database) async throws {
        if let batch = WriteBatch.current {
            batch.add(into: table, key: key, values: values, identity: identity, count: column, by: delta)
            return
        }
        try await WriteBatch.upsert([WriteBatch.Sum(table: table, key: key, values: values, column: column, delta: delta)],
                                    on: db.sql)
    }

    /// Counts up a counter row (`id` the key, `last` the count) and returns the new count: in a
    /// batch, read once and written at the commit; otherwise one statement.
    static func next(_ table: String, key: Int, on db: any Database) async throws -> Int {
        if let batch = WriteBatch.current { return try await batch.next(table, key: key) }
        guard let row = try await db.sql.raw("""
            INSERT INTO \(unsafeRaw: table) (id, last) VALUES (\(bind: key), 1)
            ON CONFLICT (id) DO UPDATE SET last = \(unsafeRaw: table).last + 1 RETURNING last
            """).first() else { throw Abort(.internalServerError, reason: "\(table) \(key) missing") }
        return try row.decode(column: "last", as: Int.self)
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
