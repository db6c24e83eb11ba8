import Crypto
import Fluent
import PasserelleCore
import Foundation
import SQLKit

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    // managed fields
    @ID(key: .id) var id: UUID?

    // reference fields
    @OptionalField(key: "actor_person_id") var actorPersonID: UUID?
    @OptionalField(key: "actor_organisation_id") var actorOrganisationID: UUID?
    @OptionalField(key: "actor_session_id") var actorSessionID: UUID?
    @OptionalField(key: "actor_token_id") var actorTokenID: UUID?

    // data fields
    @Field(key: "sequence") var sequence: Int
    /// ISO 8601 UTC with milliseconds, as hashed: kept as text so both databases return it exactly.
    @Field(key: "occurred_at") var occurredAt: String
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "record_type") var recordType: String
    @Field(key: "record_id") var recordID: String
    /// `{"field": {"before": …, "after": …}}`, keys sorted, as hashed.
    @Field(key: "changes") var changes: String
    @OptionalField(key: "request_id") var requestID: String?
    @OptionalField(key: "client_address") var clientAddress: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    /// SHA-256 over the previous hash and every field of the event, each on its own line.
    func computedHash() -> String {
        let fields: [String] = [
            previousHash, String(sequence), occurredAt,
            actorPersonID?.uuidString ?? "", actorOrganisationID?.uuidString ?? "",
            actorSessionID?.uuidString ?? "", actorTokenID?.uuidString ?? "", actorLabel,
            action, recordType, recordID, changes, requestID ?? "", clientAddress ?? "",
        ]
        var text = ""
        text.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append("\n") }
            if field.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) {
                text.append(field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))
            } else {
                text.append(field)
            }
        }
        return Self.hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// The columns of a plain-SQL insert, in the order of `bindings`.
    static let columns = ["id", "sequence", "occurred_at", "actor_person_id", "actor_organisation_id", "actor_session_id",
                          "actor_token_id", "actor_label", "action", "record_type", "record_id", "changes", "request_id",
                          "client_address", "previous_hash", "hash"]

    var bindings: [any SQLExpression] {
        [SQLBind(id), SQLBind(sequence), SQLBind(occurredAt), SQLBind(actorPersonID), SQLBind(actorOrganisationID),
         SQLBind(actorSessionID), SQLBind(actorTokenID), SQLBind(actorLabel), SQLBind(action), SQLBind(recordType),
         SQLBind(recordID), SQLBind(changes), SQLBind(requestID), SQLBind(clientAddress), SQLBind(previousHash),
         SQLBind(hash)]
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hexadecimal, without `String(format:)` (a fifth of an audited write's CPU).
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Written by hand (JSONEncoder was a tenth of an audited write): fields in key order, absent
    /// values left out, the same text JSONEncoder gives with sorted keys and unescaped slashes.
    static func canonicalChanges(_ changes: [String: AuditChange]) throws -> String {
        var text = "{"
        for (index, key) in changes.keys.sorted().enumerated() {
            let change = changes[key]!
            if index > 0 { text.append(",") }
            appendJSONString(key, to: &text)
            text.append(":{")
            if let after = change.after {
                text.append("\"after\":")
                appendJSONString(after, to: &text)
            }
            if let before = change.before {
                if change.after != nil { text.append(",") }
                text.append("\"before\":")
                appendJSONString(before, to: &text)
            }
            text.append("}")
        }
        text.append("}")
        return text
    }

    private static func appendJSONString(_ value: String, to text: inout String) {
        text.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case "\u{08}": text.append("\\b")
            case "\u{0C}": text.append("\\f")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }

    var decodedChanges: [String: AuditChange] {
        (try? JSONDecoder().decode([String: AuditChange].self, from: Data(changes.utf8))) ?? [:]
    }

    nonisolated(unsafe) static let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()

    /// `2026-11-22T14:30:05.123Z`: what the ISO 8601 formatter gives, computed directly (the
    /// formatter was a twentieth of an audited write).
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let day = inDay < 0 ? days - 1 : days
        let ms = inDay < 0 ? inDay + 86_400_000 : inDay
        let civil = CalendarDate(dayNumber: Int(day))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(pad(Int64(civil.year), 4))-\(pad(Int64(civil.month), 2))-\(pad(Int64(civil.day), 2))T\(pad(ms / 3_600_000, 2)):"
            + "\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))Z"
    }

    static func date(_ text: String) -> Date? { formatter.date(from: text) }
}

/// The one row that holds the end of the chain: its last sequence and hash.
final class AuditChainHeadModel: Model, @unchecked Sendable {
    static let schema = "audit_chain_head"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "sequence") var sequence: Int
    @Field(key: "hash") var hash: String

    init() {}

    init(id: Int, sequence: Int, hash: String) {
        self.id = id
        self.sequence = sequence
        self.hash = hash
    }

    /// What the first event follows.
    static let genesis = String(repeating: "0", count: 64)
}
