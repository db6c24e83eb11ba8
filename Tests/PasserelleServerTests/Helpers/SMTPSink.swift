import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An SMTP server inside the tests, on loopback: takes EHLO, AUTH PLAIN, MAIL, RCPT, DATA and QUIT,
/// keeps every message it accepts, and refuses the recipients it is told to (a 4xx or 5xx code).
final class SMTPSink: Sendable {
    struct Received: Sendable {
        let from: String
        let to: String
        let data: String
        let auth: String?

        /// A header's value (unfolded), as written.
        func header(_ name: String) -> String? {
            for line in data.components(separatedBy: "\r\n") {
                if line.isEmpty { return nil }
                if line.lowercased().hasPrefix(name.lowercased() + ":") {
                    return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// The body, decoded from base64.
        var body: String {
            guard let range = data.range(of: "\r\n\r\n") else { return "" }
            let encoded = data[range.upperBound...].replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    private let received = NIOLockedValueBox<[Received]>([])
    private let refusals: [String: Int]
    private let channel: any Channel
    let port: Int

    var messages: [Received] { received.withLockedValue { $0 } }

    private init(channel: any Channel, refusals: [String: Int]) {
        self.channel = channel
        self.refusals = refusals
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(refusals: [String: Int] = [:]) async throws -> SMTPSink {
        let box = NIOLockedValueBox<SMTPSink?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(sink: { box.withLockedValue { $0! } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let sink = SMTPSink(channel: channel, refusals: refusals)
        box.withLockedValue { $0 = sink }
        return sink
    }

    func stop() async throws { try await channel.close() }

    fileprivate func keep(_ message: Received) { received.withLockedValue { $0.append(message) } }
    fileprivate func refusal(for recipient: String) -> Int? { refusals[recipient] }

    private final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let sink: () -> SMTPSink
        var buffer = ""
        var inData = false
        var data: [String] = []
        var from = ""
        var to = ""
        var auth: String?

        init(sink: @escaping () -> SMTPSink) { self.sink = sink }

        func channelActive(context: ChannelHandlerContext) { reply(context, "220 sink ESMTP") }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer += bytes.readString(length: bytes.readableBytes) ?? ""
            while let end = buffer.range(of: "\r\n") {
                let line = String(buffer[..<end.lowerBound])
                buffer.removeSubrange(..<end.upperBound)
                handle(line, context)
            }
        }

        func handle(_ line: String, _ context: ChannelHandlerContext) {
            if inData {
                if line == "." {
                    inData = false
                    sink().keep(Received(from: from, to: to, data: data.joined(separator: "\r\n"), auth: auth))
                    data = []
                    reply(context, "250 2.0.0 kept")
                } else {
                    data.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                }
                return
            }
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") {
                reply(context, "250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            } else if upper.hasPrefix("AUTH PLAIN ") {
                auth = String(line.dropFirst(11))
                reply(context, "235 2.7.0 ok")
            } else if upper.hasPrefix("MAIL FROM:") {
                from = Self.address(line)
                reply(context, "250 ok")
            } else if upper.hasPrefix("RCPT TO:") {
                to = Self.address(line)
                if let code = sink().refusal(for: to) {
                    reply(context, "\(code) refused for the test")
                } else {
                    reply(context, "250 ok")
                }
            } else if upper == "DATA" {
                inData = true
                reply(context, "354 go on")
            } else if upper == "QUIT" {
                reply(context, "221 bye")
                context.close(promise: nil)
            } else {
                reply(context, "502 not here")
            }
        }

        static func address(_ line: String) -> String {
            guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">") else { return "" }
            return String(line[line.index(after: open)..<close])
        }

        func reply(_ context: ChannelHandlerContext, _ text: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
        }
    }
}
