import Crypto
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// The journal anchored outside the database. The hash chain proves that no event was changed or
/// slipped in, but someone with write access could delete the last events and rewind
/// `audit_chain_head`, and the shortened chain would still verify. So every few minutes and at
/// shutdown the head (its sequence and hash) is appended to a file the database cannot rewrite,
/// and to the log; each line is chained to the one before. `audit verify` checks the database
/// against every line and names the events that are gone.
struct AuditCheckpoint: Codable, Equatable, Sendable {
    /// When it was taken, RFC 3339.
    let at: String
    let sequence: Int
    let hash: String
    /// The line before's `chain` (the genesis for the first line).
    let previous: String
    /// SHA-256 of `previous|at|sequence|hash`.
    let chain: String

    static func chain(previous: String, at: String, sequence: Int, hash: String) -> String {
        AuditEventModel.hex(SHA256.hash(data: Data("\(previous)|\(at)|\(sequence)|\(hash)".utf8)))
    }

    var isIntact: Bool { chain == Self.chain(previous: previous, at: at, sequence: sequence, hash: hash) }
}

enum AuditCheckpoints {
    enum Failure: Error, Equatable {
        /// Line n (from 1) of the file does not follow the one before, or was changed.
        case fileAltered(line: Int)
    }

    /// Every checkpoint of the file, in order; none when there is no file yet.
    static func read(_ path: String) throws -> [AuditCheckpoint] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var previous = AuditChainHeadModel.genesis
        var checkpoints: [AuditCheckpoint] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)),
                  checkpoint.previous == previous, checkpoint.isIntact else { throw Failure.fileAltered(line: index + 1) }
            checkpoints.append(checkpoint)
            previous = checkpoint.chain
        }
        return checkpoints
    }

    /// The file's last checkpoint, read from its end (the file grows by a line every few minutes:
    /// writing one never reads it whole; `read` does, to verify).
    static func lastLine(_ path: String) throws -> AuditCheckpoint? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        guard let line = tail.split(separator: "\n").last else { return nil }
        guard let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)), checkpoint.isIntact
        else { throw Failure.fileAltered(line: 0) }
        return checkpoint
    }

    /// Appends the head to the file when it moved since the last line; returns what was written.
    @discardableResult
    static func write(_ app: Application, now: Date = Date()) async throws -> AuditCheckpoint? {
        guard let path = app.settings.auditCheckpointPath else { return nil }
        guard let head = try await AuditChainHeadModel.find(1, on: app.db), head.sequence > 0 else { return nil }
        return try lock.withLock {
            let last = try lastLine(path)
            guard head.sequence != last?.sequence else { return nil }
            let at = ISO8601DateFormatter().string(from: now)
            let previous = last?.chain ?? AuditChainHeadModel.genesis
            let checkpoint = AuditCheckpoint(at: at, sequence: head.sequence, hash: head.hash, previous: previous,
                                             chain: AuditCheckpoint.chain(previous: previous, at: at, sequence: head.sequence, hash: head.hash))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let line = try encoder.encode(checkpoint) + Data("\n".utf8)
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
            try handle.synchronize()
            app.logger.notice("audit checkpoint", metadata: ["sequence": "\(checkpoint.sequence)", "hash": "\(checkpoint.hash)",
                                                             "chain": "\(checkpoint.chain)"])
            return checkpoint
        }
    }

    private static let lock = NIOLock()
}

/// The last verification of the journal on this instance, for the administrators' page and `/metrics`.
final class AuditVerification: Sendable {
    struct Outcome: Sendable {
        let at: Date
        let events: Int?
        let broken: Audit.Broken?
    }

    private let last = NIOLockedValueBox<Outcome?>(nil)
    let verified: Gauge
    let lastRun: Gauge

    init(_ metrics: HTTPMetrics) {
        verified = metrics.gauge("passerelle_audit_journal_intact", help: "1 when the last verification of the audit journal found it intact")
        lastRun = metrics.gauge("passerelle_audit_journal_verified_timestamp_seconds", help: "When the audit journal was last verified")
    }

    var outcome: Outcome? { last.withLockedValue { $0 } }

    /// Verifies the journal against the database and the checkpoints, and keeps the outcome.
    @discardableResult
    func run(_ app: Application, now: Date = Date()) async throws -> Outcome {
        let checkpoints: [AuditCheckpoint]
        var outcome: Outcome
        do {
            checkpoints = try app.settings.auditCheckpointPath.map(AuditCheckpoints.read) ?? []
            switch try await Audit.verify(on: app.db, checkpoints: checkpoints) {
            case .success(let count): outcome = Outcome(at: now, events: count, broken: nil)
            case .failure(let broken): outcome = Outcome(at: now, events: nil, broken: broken)
            }
        } catch AuditCheckpoints.Failure.fileAltered(let line) {
            outcome = Outcome(at: now, events: nil, broken: Audit.Broken(sequence: 0, id: nil, reason: .checkpointFile,
                                                                        arguments: ["line": String(line)]))
        }
        last.withLockedValue { $0 = outcome }
        verified.set(outcome.broken == nil ? 1.0 : 0.0)
        lastRun.set(now.timeIntervalSince1970)
        return outcome
    }
}

extension Application {
    private struct AuditVerificationKey: StorageKey { typealias Value = AuditVerification }

    var auditVerification: AuditVerification { service(AuditVerificationKey.self) { AuditVerification(httpMetrics) } }

    /// While serving: the head checkpointed every few minutes, the journal verified every hour.
    func startAuditCheckpoints() {
        let app = self
        repeatEvery(.seconds(Int64(settings.auditCheckpointSeconds)), after: .seconds(5)) {
            do { try await AuditCheckpoints.write(app) } catch { app.logger.error("audit checkpoint failed: \(error)") }
        }
        repeatEvery(.seconds(Int64(settings.auditVerifySeconds)), after: .seconds(10)) {
            do {
                let outcome = try await app.auditVerification.run(app)
                if let broken = outcome.broken { app.logger.critical("audit journal broken: \(broken)") }
            } catch {
                app.logger.error("audit verification failed: \(error)")
            }
        }
    }
}
