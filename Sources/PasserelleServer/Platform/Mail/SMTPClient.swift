import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how to send mail (`SMTP_*` settings).
struct SMTPConfiguration: Sendable, Equatable {
    enum Security: String, Sendable {
        /// Plain connection (a relay on the same machine or network).
        case none
        /// Plain, then `STARTTLS` before anything else; refused if the server does not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
    }

    var host: String
    var port: Int
    var security: Security
    var username: String?
    var password: String?
    /// `Passerelle <passerelle@example.gouv.qc.ca>`
    var from: String
    /// Seconds to wait for the server at each step.
    var timeout: Int = 30

    /// The address part of `from`.
    var fromAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else { return from }
        return String(from[from.index(after: open)..<close])
    }
}

/// One message, ready to go.
struct MailMessage: Sendable {
    var id: UUID
    var to: String
    var subject: String
    var body: String
    var language: String
}

/// A minimal SMTP client (RFC 5321) on SwiftNIO: EHLO, STARTTLS or implicit TLS, AUTH PLAIN, one
/// message per connection, the body in base64 so no server's 8-bit or line-length limits apply.
enum SMTPClient {
    struct Failure: Error, CustomStringConvertible {
        /// 5xx: the server will never take it (a bad address); anything else may work later.
        let permanent: Bool
        let description: String
    }

    struct Reply: Sendable {
        let code: Int
        let text: String
    }

    static func send(_ message: MailMessage, with configuration: SMTPConfiguration, on group: any EventLoopGroup,
                     now: Date = Date()) async throws {
        let replies = ReplyHandler()
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        tlsConfiguration.minimumTLSVersion = .tlsv12
        let sslContext = configuration.security == .none ? nil : try NIOSSLContext(configuration: tlsConfiguration)
        let host = configuration.host
        let implicitTLS = configuration.security == .tls
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(configuration.timeout)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let sslContext {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: sslContext, serverHostname: host))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                        try channel.pipeline.syncOperations.addHandler(replies)
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw Failure(permanent: false, description: "connection to \(configuration.host):\(configuration.port): \(error)")
        }
        let session = Session(channel: channel, replies: replies, timeout: configuration.timeout)
        do {
            try await session.expect(220)
            let hostname = "passerelle"
            var features = try await session.command("EHLO \(hostname)", expect: 250).text
            if configuration.security == .starttls {
                guard features.uppercased().contains("STARTTLS") else {
                    throw Failure(permanent: false, description: "the server does not offer STARTTLS")
                }
                try await session.command("STARTTLS", expect: 220)
                try await channel.pipeline.addHandler(try NIOSSLClientHandler(context: sslContext!, serverHostname: host),
                                                      position: .first).get()
                features = try await session.command("EHLO \(hostname)", expect: 250).text
            }
            if let username = configuration.username, let password = configuration.password {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                try await session.command("AUTH PLAIN \(token)", expect: 235)
            }
            try await session.command("MAIL FROM:<\(configuration.fromAddress)>", expect: 250)
            try await session.command("RCPT TO:<\(message.to)>", expect: 250, 251)
            try await session.command("DATA", expect: 354)
            try await session.command(render(message, from: configuration, now: now) + "\r\n.", expect: 250)
            _ = try? await session.command("QUIT", expect: 221)
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }

    /// The message as sent: headers (subject as an RFC 2047 encoded word), then the body in
    /// base64, lines of 76.
    static func render(_ message: MailMessage, from configuration: SMTPConfiguration, now: Date) -> String {
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = configuration.fromAddress.split(separator: "@").last.map(String.init) ?? "passerelle"
        let body = Data(message.body.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var lines = [
            "From: \(encodedHeader(configuration.from))",
            "To: <\(message.to)>",
            "Subject: \(encodedHeader(message.subject))",
            "Date: \(date.string(from: now))",
            "Message-ID: <\(message.id.uuidString.lowercased())@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Content-Language: \(message.language)",
            "Auto-Submitted: auto-generated",
            "",
        ]
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 76, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// ASCII as is; anything else as `=?UTF-8?B?…?=` (the display name only, for an address).
    static func encodedHeader(_ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard !clean.allSatisfy(\.isASCII) else { return clean }
        if let open = clean.lastIndex(of: "<"), clean[open...].allSatisfy(\.isASCII) {
            let name = clean[..<open].trimmingCharacters(in: .whitespaces)
            return "=?UTF-8?B?\(Data(name.utf8).base64EncodedString())?= \(clean[open...])"
        }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// One conversation: a command, then its reply (one or several lines).
    struct Session {
        let channel: any Channel
        let replies: ReplyHandler
        let timeout: Int

        @discardableResult
        func command(_ line: String, expect codes: Int...) async throws -> Reply {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
            return try await expect(codes)
        }

        @discardableResult
        func expect(_ codes: Int...) async throws -> Reply { try await expect(codes) }

        func expect(_ codes: [Int]) async throws -> Reply {
            let reply = try await replies.next(within: timeout)
            guard codes.contains(reply.code) else {
                throw Failure(permanent: (500..<600).contains(reply.code), description: "\(reply.code) \(reply.text)")
            }
            return reply
        }
    }

    /// Lines ending in CRLF.
    struct LineDecoder: ByteToMessageDecoder {
        typealias InboundOut = String

        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes > 64 * 1024 { throw Failure(permanent: false, description: "reply line too long") }
                return .needMoreData
            }
            let length = newline - buffer.readerIndex + 1
            var line = buffer.readString(length: length) ?? ""
            while line.last == "\n" || line.last == "\r" { line.removeLast() }
            context.fireChannelRead(wrapInboundOut(line))
            return .continue
        }
    }

    /// Gathers the lines of each reply (`250-…` continues, `250 …` ends) and hands them out in order.
    final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = String

        private struct State {
            var lines: [String] = []
            var ready: [Result<Reply, any Error>] = []
            var waiting: CheckedContinuation<Reply, any Error>?
            var generation = 0
        }

        private let state = NIOLockedValueBox(State())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let line = unwrapInboundIn(data)
            state.withLockedValue { state in
                state.lines.append(line)
                let chars = Array(line)
                guard chars.count < 4 || chars[3] != "-" else { return }
                let code = Int(String(chars.prefix(3))) ?? 0
                let text = state.lines.map { String($0.dropFirst(4)) }.joined(separator: "\n")
                state.lines = []
                deliver(.success(Reply(code: code, text: text)), &state)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLockedValue { deliver(.failure(Failure(permanent: false, description: "connection closed")), &$0) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            state.withLockedValue { deliver(.failure(Failure(permanent: false, description: "\(error)")), &$0) }
            context.close(promise: nil)
        }

        private func deliver(_ result: Result<Reply, any Error>, _ state: inout State) {
            if let waiting = state.waiting {
                state.waiting = nil
                waiting.resume(with: result)
            } else {
                state.ready.append(result)
            }
        }

        /// The next reply; after `seconds` without one, a failure (the caller closes the connection).
        func next(within seconds: Int) async throws -> Reply {
            let generation = state.withLockedValue { state -> Int in
                state.generation += 1
                return state.generation
            }
            let timer = Task {
                try await Task.sleep(for: .seconds(seconds))
                self.state.withLockedValue { state in
                    guard state.generation == generation, let waiting = state.waiting else { return }
                    state.waiting = nil
                    waiting.resume(throwing: Failure(permanent: false, description: "no answer within \(seconds) s"))
                }
            }
            defer { timer.cancel() }
            return try await withCheckedThrowingContinuation { continuation in
                self.state.withLockedValue { state in
                    if !state.ready.isEmpty {
                        continuation.resume(with: state.ready.removeFirst())
                    } else {
                        state.waiting = continuation
                    }
                }
            }
        }
    }
}
