import NIOConcurrencyHelpers
import NIOCore
import PasserelleCore
import Vapor

/// A finished response body with the headers that go with it, its strong validator computed once.
struct CachedBody: Sendable {
    let body: ByteBuffer
    let headers: HTTPHeaders
    let etag: String

    init(body: ByteBuffer, contentType: HTTPMediaType, extraHeaders: HTTPHeaders = [:], maxAge: Int,
         language: Language = .default) {
        self.body = body
        etag = "\"" + String(FNV1a.hash(body.readableBytesView), radix: 16) + "\""
        var headers = extraHeaders
        headers.contentType = contentType
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge)")
        SecurityHeaders.apply(to: &headers, html: contentType == .html, language: language)
        self.headers = headers
    }

    /// 304 when the caller already holds this body (`If-None-Match`), else 200 with it.
    func response(for request: Request) -> Response {
        if let tags = request.headers.first(name: .ifNoneMatch),
           tags == "*" || tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "W/" + etag }) {
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .eTag, value: etag)
            headers.replaceOrAdd(name: .cacheControl, value: self.headers.first(name: .cacheControl) ?? "no-cache")
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}

enum FNV1a {
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

/// Responses of read-only routes over reference data, kept per app instance and dropped as a
/// whole when the data's revision moves. Bounded: when full, it starts over.
final class ResponseCache: Sendable {
    private struct State {
        var revision = -1
        var entries: [String: CachedBody] = [:]
    }
    private let state = NIOLockedValueBox(State())
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func body(revision: Int, key: String, make: () throws -> CachedBody) rethrows -> CachedBody {
        if let hit = state.withLockedValue({ $0.revision == revision ? $0.entries[key] : nil }) { return hit }
        let made = try make()
        state.withLockedValue { state in
            if state.revision != revision || state.entries.count >= capacity {
                state = State(revision: revision, entries: [:])
            }
            state.entries[key] = made
        }
        return made
    }

    /// The same for a body that takes a database read to make.
    func body(revision: Int, key: String, make: () async throws -> CachedBody) async rethrows -> CachedBody {
        if let hit = state.withLockedValue({ $0.revision == revision ? $0.entries[key] : nil }) { return hit }
        let made = try await make()
        state.withLockedValue { state in
            if state.revision != revision || state.entries.count >= capacity {
                state = State(revision: revision, entries: [:])
            }
            state.entries[key] = made
        }
        return made
    }

    var count: Int { state.withLockedValue { $0.entries.count } }
}

extension Application {
    private struct ResponseCacheKey: StorageKey { typealias Value = ResponseCache }

    var responseCache: ResponseCache { service(ResponseCacheKey.self) { ResponseCache() } }
}

/// The query string read once into a dictionary (the first value of each name wins), decoded
/// byte by byte: it runs on every request, so it stays clear of Foundation's string bridging.
struct QueryParameters {
    private(set) var values: [String: String] = [:]

    init(_ query: String?) {
        guard var text = query, !text.isEmpty else { return }
        var found: [String: String] = [:]
        text.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start {
                    let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.count
                    let name = Self.decode(UnsafeBufferPointer(rebasing: pair[0..<equals]))
                    if found[name] == nil {
                        found[name] = equals < pair.count ? Self.decode(UnsafeBufferPointer(rebasing: pair[(equals + 1)...])) : ""
                    }
                }
                start = end + 1
            }
        }
        values = found
    }

    /// `+` is a space, `%XX` a byte; a malformed escape stays as typed; invalid UTF-8 is repaired.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The value with surrounding spaces removed; nil when absent or blank.
    subscript(name: String) -> String? {
        guard let value = values[name] else { return nil }
        let trimmed = value.utf8.first == UInt8(ascii: " ") || value.utf8.last == UInt8(ascii: " ")
            ? String(value.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) : value
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A whole number within `range`, `fallback` when absent; a Problem naming the parameter otherwise.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = self[name] else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw Problem.invalidParameter(name, key: "problem.parameter.integer_range",
                                           ["value": text, "min": String(range.lowerBound), "max": String(range.upperBound)])
        }
        return number
    }
}
