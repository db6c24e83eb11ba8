import Fluent
import Foundation
import SQLKit

/// Bulk inserts of rows the server makes itself (identifiers, numbers, dates, fixed words), written
/// as SQL literals rather than bound parameters. Binding goes through `Encodable` for every value:
/// for the schedules of 50,000 agreements (350,000 rows, five million values) that cost three times
/// what SQLite spends storing them. A literal costs a few bytes of text. Text is quoted the standard
/// way (a quote doubled), which is all SQLite and PostgreSQL (`standard_conforming_strings`, on
/// since 9.1) read in a literal; text from users belongs in bound parameters, never here.
enum LiteralRows {
    enum Cell: Sendable, Equatable {
        case uuid(UUID)
        case int(Int64)
        case text(String)
        case date(Date)
        case bool(Bool)
        case null
    }

    /// Inserts the rows in statements of a few thousand.
    static func insert(into table: String, columns: [String], rows: [[Cell]], on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let dialect = DatabaseDialect(sql as! any Database)
        let head = Array(("INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES ").utf8)
        let per = 2_000
        var statement: [UInt8] = []
        for part in stride(from: 0, to: rows.count, by: per) {
            statement.removeAll(keepingCapacity: true)
            statement += head
            for (n, row) in rows[part..<min(part + per, rows.count)].enumerated() {
                precondition(row.count == columns.count, "\(table): \(row.count) values for \(columns.count) columns")
                if n > 0 { statement += [UInt8(ascii: ","), UInt8(ascii: " ")] }
                statement.append(UInt8(ascii: "("))
                for (i, cell) in row.enumerated() {
                    if i > 0 { statement += [UInt8(ascii: ","), UInt8(ascii: " ")] }
                    write(cell, dialect, to: &statement)
                }
                statement.append(UInt8(ascii: ")"))
            }
            try await sql.raw(SQLQueryString(String(decoding: statement, as: UTF8.self))).run()
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    static func write(_ cell: Cell, _ dialect: DatabaseDialect, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "'")
        switch cell {
        case .uuid(let id):
            // SQLite keeps Fluent's UUIDs as their text (upper case, as `uuidString`); PostgreSQL
            // reads the same text as a uuid.
            out.append(quote)
            withUnsafeBytes(of: id.uuid) { bytes in
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                    out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0x0F)])
                }
            }
            out.append(quote)
        case .int(let n):
            out += String(n).utf8
        case .text(let text):
            out.append(quote)
            for byte in text.utf8 {
                precondition(byte != 0, "a NUL in a literal")
                out.append(byte)
                if byte == quote { out.append(quote) }
            }
            out.append(quote)
        case .date(let date):
            switch dialect {
            // Fluent's SQLite dates are seconds since 1970 in a REAL.
            case .sqlite: out += String(date.timeIntervalSince1970).utf8
            case .postgres: out += ("to_timestamp(" + String(date.timeIntervalSince1970) + ")").utf8
            }
        case .bool(let value):
            out += (value ? "TRUE" : "FALSE").utf8
        case .null:
            out += "NULL".utf8
        }
    }
}

extension UUID {
    /// A version 7 UUID: 48 bits of milliseconds since 1970, then random bits. Rows made one after
    /// the other get increasing identifiers, so the primary key's index grows at its end instead of
    /// at a random page (a bulk insert of payments writes each index page once).
    static func timeOrdered(at date: Date = Date()) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var random = SystemRandomNumberGenerator()
        let a = random.next() as UInt64, b = random.next() as UInt64
        let t = { (shift: UInt64) in UInt8(truncatingIfNeeded: ms >> shift) }
        let r = { (value: UInt64, shift: UInt64) in UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (t(40), t(32), t(24), t(16), t(8), t(0), 0x70 | r(a, 60) & 0x0F, r(a, 52),
                           0x80 | r(b, 58) & 0x3F, r(b, 0), r(b, 8), r(b, 16), r(b, 24), r(b, 32), r(b, 40), r(a, 0)))
    }
}
