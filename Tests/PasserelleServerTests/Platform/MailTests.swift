import Fluent
import Foundation
import NIOPosix
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

@Suite struct MailTests {
    static func configuration(port: Int) -> SMTPConfiguration {
        SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, username: "passerelle", password: "secret",
                          from: "Passerelle – Ministère <passerelle@mtmd.test>", timeout: 60)
    }

    static func enqueue(_ app: Application, to email: String, language: String = "fr-CA", kind: String = "invitation") async throws {
        var found = try await PersonModel.query(on: app.db).filter(\.$email == email).first()
        if found == nil {
            // No password: hashing one (bcrypt 12) for each of thirty recipients is not what is tested.
            let person = PersonModel(email: email, displayName: "Destinataire d'essai", passwordHash: nil)
            try await person.create(on: app.db)
            found = person
        }
        let person = found!
        person.language = language
        try await person.save(on: app.db)
        try await app.write { db in
            try await Outbox.enqueue(on: db, to: person, kind: kind, arguments: ["link": "https://passerelle.test/lien/x",
                                                                                 "organisation": "Rivière-du-Loup"])
        }
    }

    static func statuses(_ app: Application) async throws -> [String: String] {
        Dictionary(try await OutboxMessageModel.query(on: app.db).all().map { ($0.recipient, $0.status) }, uniquingKeysWith: { a, _ in a })
    }

    /// The outbox goes out through a real SMTP conversation: subject and body in the recipient's
    /// language, accents intact, authenticated; then marked sent and never sent again.
    @Test func theOutboxLeavesThroughSMTPInTheRecipientsLanguage() async throws {
        let sink = try await SMTPSink.start()
        try await withPasserelle { app in
            app.outboxSender = .smtp(Self.configuration(port: sink.port), on: app.eventLoopGroup)
            try await Self.enqueue(app, to: "greffe@rdl.test")
            try await Self.enqueue(app, to: "clerk@stanstead.test", language: "en-CA")
            #expect(try await app.outboxSender!.runOnce(app) == 2)
            #expect(try await app.outboxSender!.runOnce(app) == 0)
            #expect(sink.messages.count == 2)
            let french = try #require(sink.messages.first { $0.to == "greffe@rdl.test" })
            let stored = try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "greffe@rdl.test").first()
            #expect(french.body.contains("https://passerelle.test/lien/x"))
            // The subject as an RFC 2047 encoded word when it is not plain ASCII.
            let subject = try #require(french.header("Subject"))
            let decoded = subject.hasPrefix("=?UTF-8?B?")
                ? Data(base64Encoded: String(subject.dropFirst(10).dropLast(2))).map { String(decoding: $0, as: UTF8.self) } : subject
            #expect(decoded == stored?.subject)
            #expect(french.header("Content-Language") == "fr-CA")
            #expect(french.from == "passerelle@mtmd.test")
            #expect(french.auth == Data("\u{0}passerelle\u{0}secret".utf8).base64EncodedString())
            let english = try #require(sink.messages.first { $0.to == "clerk@stanstead.test" })
            #expect(english.header("Content-Language") == "en-CA")
            let sentRow = try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "greffe@rdl.test").first()
            #expect(sentRow?.status == "sent" && sentRow?.sentAt != nil && sentRow?.attempts == 1)
            #expect(french.body == sentRow?.body.replacingOccurrences(of: "\n", with: "\r\n"))
        }
        try await sink.stop()
    }

    /// A temporary refusal (4xx) waits and is tried again later; a permanent one (5xx) becomes a dead
    /// letter that an administrator sees and sends again; a server that is not there is a temporary
    /// failure.
    @Test func failuresRetryWithBackoffThenDeadLetters() async throws {
        let sink = try await SMTPSink.start(refusals: ["plus-tard@rdl.test": 451, "inconnu@rdl.test": 550])
        try await withPasserelle { app in
            app.outboxSender = .smtp(Self.configuration(port: sink.port), on: app.eventLoopGroup)
            try await Self.enqueue(app, to: "plus-tard@rdl.test")
            try await Self.enqueue(app, to: "inconnu@rdl.test")
            let now = Date()
            #expect(try await app.outboxSender!.runOnce(app, now: now) == 0)
            let rows = try await OutboxMessageModel.query(on: app.db).all().map { "\($0.recipient) \($0.status) \($0.lastError ?? "")" }
            #expect(try await Self.statuses(app) == ["plus-tard@rdl.test": "pending", "inconnu@rdl.test": "dead"], "\(rows)")
            let waiting = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "plus-tard@rdl.test").first())
            #expect(waiting.nextAttemptAt == Int64(now.timeIntervalSince1970) + 60)
            #expect(waiting.lastError?.contains("451") == true)
            // Not due yet: left alone; due: tried again, and the wait doubles.
            #expect(try await OutboxSender.claim(limit: 10, now: now.addingTimeInterval(30), on: app.db).isEmpty)
            _ = try await app.outboxSender!.runOnce(app, now: now.addingTimeInterval(61))
            let again = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "plus-tard@rdl.test").first())
            #expect(again.attempts == 2 && again.nextAttemptAt == Int64(now.timeIntervalSince1970) + 61 + 120)
            #expect(OutboxSender.backoff(afterAttempt: 3) == 240)

            // The administrator sees the dead letter and sends it again.
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let page = try await admin.send(.GET, "/administration/courriels?statut=dead")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("inconnu@rdl.test") && !page.body.string.contains("plus-tard@rdl.test"))
            #expect(page.body.string.contains("550"))
            let dead = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "inconnu@rdl.test").first())
            let csrf = try #require(Browser.csrf(in: page.body.string))
            #expect(try await admin.send(.POST, "/administration/courriels/\(try dead.requireID())/renvoyer", form: ["_csrf": csrf])
                .status == .seeOther)
            #expect(try await Self.statuses(app)["inconnu@rdl.test"] == "pending")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "mail.resend").count() == 1)
            #expect(try await admin.send(.GET, "/administration/courriels?statut=perdu").status == .badRequest)

            // Nobody listening: a temporary failure.
            let closed = SMTPConfiguration(host: "127.0.0.1", port: 9, security: .none, from: "p@mtmd.test", timeout: 5)
            app.outboxSender = .smtp(closed, on: app.eventLoopGroup)
            _ = try await app.outboxSender!.runOnce(app, now: now.addingTimeInterval(10_000))
            #expect(try await Self.statuses(app)["inconnu@rdl.test"] == "pending")
        }
        try await sink.stop()
    }

    /// Two senders on one database (two instances) working at once: every message leaves exactly once.
    @Test func twoSendersNeverSendAMessageTwice() async throws {
        let sink = try await SMTPSink.start()
        try await withPasserelle(onDisk: true) { app in
            let sender = OutboxSender.smtp(Self.configuration(port: sink.port), on: app.eventLoopGroup)
            for index in 0..<30 { try await Self.enqueue(app, to: "personne\(index)@rdl.test") }
            let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var total = 0
                        while true {
                            let count = try await sender.runOnce(app, limit: 4)
                            if count == 0 { return total }
                            total += count
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(sent == 30)
            #expect(sink.messages.count == 30)
            #expect(Set(sink.messages.compactMap { $0.header("Message-ID") }).count == 30)
            #expect(Set(try await Self.statuses(app).values) == ["sent"])
        }
        try await sink.stop()
    }

    /// Against a real SMTP server (aiosmtpd, started by `scripts/with-smtp.sh` in CI): when
    /// TEST_SMTP_PORT and TEST_SMTP_MAILDIR are set.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TEST_SMTP_PORT"] != nil))
    func aRealSMTPServerReceivesTheMessages() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = try #require(environment["TEST_SMTP_PORT"].flatMap(Int.init))
        let maildir = try #require(environment["TEST_SMTP_MAILDIR"])
        try await withPasserelle { app in
            var configuration = Self.configuration(port: port)
            configuration.username = nil
            configuration.password = nil
            app.outboxSender = .smtp(configuration, on: app.eventLoopGroup)
            let marker = UUID().uuidString.prefix(8).lowercased()
            try await Self.enqueue(app, to: "aiosmtpd-\(marker)@rdl.test")
            #expect(try await app.outboxSender!.runOnce(app) == 1)
            let files = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
            let texts = try files.map { try String(contentsOfFile: maildir + "/new/" + $0, encoding: .utf8) }
            #expect(texts.contains { $0.contains("aiosmtpd-\(marker)@rdl.test") && $0.contains("Content-Language: fr-CA") })
        }
    }
}
