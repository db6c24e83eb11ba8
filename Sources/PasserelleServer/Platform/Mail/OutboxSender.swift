import Fluent
import Foundation
import SQLKit
import Vapor

/// Sends the outbox through SMTP.
///
/// A message is **claimed** before it is sent: one statement moves it from `pending` (and due) to
/// `sending` with a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL so that instances sharing the
/// database each take different messages and never wait for one another; a claim whose lease ran
/// out (an instance that died mid-send) is taken again. Then:
/// - accepted by the server: `sent`;
/// - refused for good (a 5xx reply: a bad address) or tried `maxAttempts` times: `dead`, listed for
///   administrators on `/administration/courriels`, who can send it again;
/// - anything else (connection, timeout, 4xx): `pending` again after a backoff that doubles from one
///   minute (1, 2, 4, 8, 16 min…).
struct OutboxSender: Sendable {
    static let maxAttempts = 8
    /// How long a claim holds: longer than the SMTP client's whole conversation can take.
    static let leaseSeconds = 300

    enum Status: String, CaseIterable, Sendable { case pending, sending, sent, dead }

    let configuration: SMTPConfiguration
    /// Sends one message (the SMTP client; a stand-in in some tests).
    var transport: @Sendable (MailMessage, SMTPConfiguration) async throws -> Void

    /// Through an SMTP server.
    static func smtp(_ configuration: SMTPConfiguration, on group: any EventLoopGroup) -> OutboxSender {
        OutboxSender(configuration: configuration) { message, configuration in
            try await SMTPClient.send(message, with: configuration, on: group)
        }
    }

    static func backoff(afterAttempt attempt: Int) -> Int { 60 << min(max(attempt - 1, 0), 10) }

    /// Claims up to `limit` due messages for this instance.
    static func claim(limit: Int, now: Date, on db: any Database) async throws -> [(id: UUID, message: MailMessage, attempts: Int)] {
        let sql = db.sql
        let seconds = Int(now.timeIntervalSince1970)
        let lock: SQLQueryString = DatabaseDialect(db) == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1,
                claimed_until = \(bind: seconds + leaseSeconds)
            WHERE id IN (SELECT id FROM outbox_messages
                         WHERE (status = 'pending' AND next_attempt_at <= \(bind: seconds))
                            OR (status = 'sending' AND claimed_until < \(bind: seconds))
                         ORDER BY next_attempt_at LIMIT \(bind: limit) \(lock))
            RETURNING id, recipient, subject, body, language, attempts
            """).all()
        return try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            return (id, MailMessage(id: id, to: try row.decode(column: "recipient", as: String.self),
                                    subject: try row.decode(column: "subject", as: String.self),
                                    body: try row.decode(column: "body", as: String.self),
                                    language: try row.decode(column: "language", as: String.self)),
                    try row.decode(column: "attempts", as: Int.self))
        }
    }

    /// Claims and sends what is due; returns how many were sent.
    @discardableResult
    func runOnce(_ app: Application, now: Date = Date(), limit: Int = 50) async throws -> Int {
        let claimed = try await app.write { db in try await Self.claim(limit: limit, now: now, on: db) }
        var sent = 0
        for (id, message, attempts) in claimed {
            do {
                try await transport(message, configuration)
                try await app.write { db in
                    try await db.sql.raw("""
                        UPDATE outbox_messages SET status = 'sent', sent_at = \(bind: Date()), last_error = NULL
                        WHERE id = \(bind: id) AND status = 'sending'
                        """).run()
                }
                sent += 1
            } catch {
                let permanent = (error as? SMTPClient.Failure)?.permanent ?? false
                let dead = permanent || attempts >= Self.maxAttempts
                let next = Int(now.timeIntervalSince1970) + Self.backoff(afterAttempt: attempts)
                app.logger.warning("mail not sent", metadata: ["message": "\(id)", "attempt": "\(attempts)",
                                                                "dead": "\(dead)", "error": "\(error)"])
                try await app.write { db in
                    try await db.sql.raw("""
                        UPDATE outbox_messages SET status = \(bind: dead ? Status.dead.rawValue : Status.pending.rawValue),
                            next_attempt_at = \(bind: next), last_error = \(bind: String(String(describing: error).prefix(500)))
                        WHERE id = \(bind: id) AND status = 'sending'
                        """).run()
                }
            }
        }
        return sent
    }

    /// Looks at the outbox every `MAIL_INTERVAL_SECONDS` while the server runs.
    static func start(_ app: Application) {
        guard let sender = app.outboxSender else { return }
        let seconds = Int64(app.settings.mailIntervalSeconds)
        app.repeatEvery(.seconds(seconds), after: .seconds(1)) {
            do {
                // Keep going while there is a full batch waiting.
                while try await sender.runOnce(app) == 50 {}
            } catch {
                app.logger.warning("outbox run failed: \(error)")
            }
        }
    }
}

extension Application {
    private struct OutboxSenderKey: StorageKey { typealias Value = OutboxSender }

    /// The outbox's sender, when SMTP is configured.
    var outboxSender: OutboxSender? {
        get {
            if let set = storage[OutboxSenderKey.self] { return set }
            guard let smtp = settings.smtp else { return nil }
            return .smtp(smtp, on: eventLoopGroup)
        }
        set { storage[OutboxSenderKey.self] = newValue }
    }
}
