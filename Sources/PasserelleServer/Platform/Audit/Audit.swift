import Crypto
import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Who did something: a person (through a session or a token) for an organisation, or the system
/// itself (a command, a job). Carried into every audit event.
struct AuditActor: Sendable, Equatable {
    var personID: UUID?
    var organisationID: UUID?
    var sessionID: UUID?
    var tokenID: UUID?
    /// A readable name for people reading the journal: an email, `system:import-territory`.
    var label: String
    var requestID: String?
    var clientAddress: String?

    static func system(_ name: String) -> AuditActor { AuditActor(label: "system:\(name)") }
}

/// A field's value before and after a change (nil: absent).
struct AuditChange: Codable, Sendable, Equatable {
    var before: String?
    var after: String?
}

/// The append-only, tamper-evident journal of every change, for every module. Each event carries
/// the hash of the one before it; `passerelle audit verify` walks the chain.
enum Audit {
    /// Writes one event. Call it with the transaction that makes the change, so that a failed change
    /// leaves no event and no event exists without its change.
    @discardableResult
    static func record(on db: any Database, actor: AuditActor, action: String, recordType: String, recordID: String,
                       changes: [String: AuditChange] = [:], at instant: Date = Date()) async throws -> AuditEventModel {
        let event = AuditEventModel()
        event.id = UUID.timeOrdered()
        event.occurredAt = AuditEventModel.timestamp(instant)
        event.actorPersonID = actor.personID
        event.actorOrganisationID = actor.organisationID
        event.actorSessionID = actor.sessionID
        event.actorTokenID = actor.tokenID
        event.actorLabel = actor.label
        event.action = action
        event.recordType = recordType
        event.recordID = recordID
        event.changes = try AuditEventModel.canonicalChanges(changes)
        event.requestID = actor.requestID
        event.clientAddress = actor.clientAddress
        // In a group-commit batch (SQLite, `WriteQueue`): chained in memory, written at the commit.
        if let batch = WriteBatch.current {
            batch.append(event)
            return event
        }
        let sql = db.sql
        // Taking the head row first serializes writers: a row lock on PostgreSQL, the write lock on
        // SQLite (a first statement that writes never has to upgrade a read lock). Plain SQL, three
        // statements: Fluent's models cost ten times more CPU than the statements themselves here
        // (measured, docs/PERFORMANCE.md).
        guard let head = try await sql.raw("""
            UPDATE audit_chain_head SET sequence = sequence + 1 WHERE id = 1 RETURNING sequence, hash
            """).first() else {
            throw Abort(.internalServerError, reason: "the audit chain head is missing")
        }
        event.sequence = try head.decode(column: "sequence", as: Int.self)
        event.previousHash = try head.decode(column: "hash", as: String.self)
        event.hash = event.computedHash()
        try await sql.insert(into: AuditEventModel.schema).columns(AuditEventModel.columns).values(event.bindings).run()
        try await sql.update(AuditChainHeadModel.schema).set("hash", to: SQLBind(event.hash)).where("id", .equal, SQLBind(1))
            .run()
        return event
    }

    /// The fields that differ between two versions of a record, as audit changes.
    static func changes(before: [String: String?], after: [String: String?]) -> [String: AuditChange] {
        var result: [String: AuditChange] = [:]
        for key in Set(before.keys).union(after.keys) {
            let old = before[key] ?? nil
            let new = after[key] ?? nil
            if old != new { result[key] = AuditChange(before: old, after: new) }
        }
        return result
    }

    struct Broken: Error, Equatable, CustomStringConvertible {
        enum Reason: String {
            case missing, order, content, cut
            /// Events a checkpoint counted are gone (deleted with the head rewound).
            case rewound
            /// An event no longer has the hash a checkpoint recorded for it.
            case checkpointMismatch = "checkpoint_mismatch"
            /// The checkpoint file itself was changed.
            case checkpointFile = "checkpoint_file"
        }
        let sequence: Int
        let id: UUID?
        let reason: Reason
        /// What the message names: the missing sequence numbers, the checkpoint's date, the file's line.
        var arguments: [String: String] = [:]
        /// The catalog key (`audit.broken.*`) that says what is wrong.
        var key: String { "audit.broken.\(reason.rawValue)" }
        var description: String { "audit event \(sequence) (\(id?.uuidString ?? "-")): \(reason.rawValue) \(arguments)" }

        /// The whole report line, in the reader's language.
        func message(_ l: Localizer) -> String {
            l("audit.verify.broken", ["sequence": String(sequence), "id": id?.uuidString ?? "—", "reason": l(key, arguments)])
        }
    }

    /// Walks the whole chain in order, in pages; returns how many events were checked, or the first
    /// broken link. With `checkpoints` (read from the checkpoint file), each one's event must still be
    /// there with the hash it had: a chain cut short and its head rewound is named for what is gone.
    static func verify(on db: any Database, checkpoints: [AuditCheckpoint] = [], pageSize: Int = 1000) async throws -> Result<Int, Broken> {
        var previous = AuditChainHeadModel.genesis
        var expectedSequence = 1
        var checked = 0
        let anchored = Dictionary(checkpoints.map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        while true {
            let page = try await AuditEventModel.query(on: db)
                .filter(\.$sequence >= expectedSequence)
                .sort(\.$sequence).limit(pageSize).all()
            for event in page {
                guard event.sequence == expectedSequence else {
                    return .failure(Broken(sequence: expectedSequence, id: nil, reason: .missing))
                }
                guard event.previousHash == previous else {
                    return .failure(Broken(sequence: event.sequence, id: event.id, reason: .order))
                }
                guard event.computedHash() == event.hash else {
                    return .failure(Broken(sequence: event.sequence, id: event.id, reason: .content))
                }
                if let checkpoint = anchored[event.sequence], checkpoint.hash != event.hash {
                    return .failure(Broken(sequence: event.sequence, id: event.id, reason: .checkpointMismatch,
                                           arguments: ["at": checkpoint.at]))
                }
                previous = event.hash
                expectedSequence += 1
                checked += 1
            }
            if page.count < pageSize { break }
        }
        if let furthest = checkpoints.max(by: { $0.sequence < $1.sequence }), furthest.sequence > checked {
            return .failure(Broken(sequence: checked + 1, id: nil, reason: .rewound,
                                   arguments: ["from": String(checked + 1), "to": String(furthest.sequence), "at": furthest.at]))
        }
        let head = try await AuditChainHeadModel.find(1, on: db)
        if let head, head.sequence != checked || head.hash != previous {
            return .failure(Broken(sequence: checked + 1, id: nil, reason: .cut))
        }
        return .success(checked)
    }
}
