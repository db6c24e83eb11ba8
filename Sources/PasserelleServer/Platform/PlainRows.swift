import Foundation
import PostgresNIO
import SQLKit
import SQLiteNIO

/// A row read cell by cell with each cell's type known at compile time, for pages that read many
/// rows. `SQLRow.decode(column:as:)` finds the decoding of a type by a dynamic cast and, on
/// PostgreSQL, builds a coding path for every cell: several microseconds a cell, so that a page of
/// 50 requests (a thousand cells) was a tenth of a ministry search's CPU. Here a text is read as
/// text, an identifier as an identifier, by the driver's own decoding.
///
/// The drivers' rows are reached inside the `SQLRow` that PostgresKit and SQLiteKit wrap them in
/// (their wrappers are private: read by reflection, once per row). Any other row is read through
/// `SQLRow`, so the result is the same either way; `isDirect` says which, and a test checks that both
/// databases take the direct way.
struct PlainRow {
    private enum Storage {
        case postgres(PostgresRandomAccessRow)
        case sqlite(SQLiteRow)
        case other(any SQLRow)
    }

    struct Unreadable: Error, CustomStringConvertible {
        let column: String
        let type: String
        var description: String { "column \(column) cannot be read as \(type)" }
    }

    private let storage: Storage

    init(_ row: any SQLRow) {
        for child in Mirror(reflecting: row).children {
            if let postgres = child.value as? PostgresRandomAccessRow {
                storage = .postgres(postgres)
                return
            }
            if let sqlite = child.value as? SQLiteRow {
                storage = .sqlite(sqlite)
                return
            }
        }
        storage = .other(row)
    }

    /// PostgresNIO stops the process on a column the row does not have; this throws instead.
    private static func cell(_ row: PostgresRandomAccessRow, _ column: String, _ type: @autoclosure () -> String) throws -> PostgresCell {
        guard row.contains(column) else { throw Unreadable(column: column, type: type()) }
        return row[column]
    }

    /// Whether the driver's row is read directly (rather than through `SQLRow`).
    var isDirect: Bool {
        if case .other = storage { false } else { true }
    }

    func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else { throw Unreadable(column: column, type: "String") }
        return value
    }

    func optionalString(_ column: String) throws -> String? {
        switch storage {
        case .postgres(let row):
            // Fluent's enumerations are user-defined types on PostgreSQL, whose values are their names.
            let cell = try Self.cell(row, column, "String")
            if cell.dataType.isUserDefined { return cell.bytes.map { String(buffer: $0) } }
        case .sqlite(let row):
            // A text cell is the string itself: no generic decoding (the map's 10,000 rows).
            switch row.column(column) {
            case .text(let text): return text
            case .null: return nil
            case nil: throw Unreadable(column: column, type: "String")
            default: break
            }
        case .other:
            break
        }
        return try value(column, as: String.self)
    }

    func uuid(_ column: String) throws -> UUID {
        guard let value = try optionalUUID(column) else { throw Unreadable(column: column, type: "UUID") }
        return value
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        switch storage {
        case .postgres(let row):
            let cell = try Self.cell(row, column, "UUID")
            return cell.bytes == nil ? nil : try cell.decode(UUID.self)
        case .sqlite(let row):
            switch row.column(column) {
            case .null: return nil
            case .text(let text):
                guard let value = UUID(uuidString: text) else { throw Unreadable(column: column, type: "UUID") }
                return value
            case .blob(var bytes) where bytes.readableBytes == 16:
                return bytes.readWithUnsafeReadableBytes { raw in
                    (16, UUID(uuid: raw.loadUnaligned(as: uuid_t.self)))
                }
            default: throw Unreadable(column: column, type: "UUID")
            }
        case .other(let row):
            return try row.decode(column: column, as: UUID?.self)
        }
    }

    func int(_ column: String) throws -> Int {
        guard let value = try optionalInt(column) else { throw Unreadable(column: column, type: "Int") }
        return value
    }

    func optionalInt(_ column: String) throws -> Int? { try value(column, as: Int.self) }

    func optionalDouble(_ column: String) throws -> Double? { try value(column, as: Double.self) }

    func bool(_ column: String) throws -> Bool {
        guard let value = try value(column, as: Bool.self) else { throw Unreadable(column: column, type: "Bool") }
        return value
    }

    func optionalDate(_ column: String) throws -> Date? { try value(column, as: Date.self) }

    /// A value of a type both drivers decode.
    private func value<T: PostgresDecodable & SQLiteDataConvertible & Decodable>(_ column: String, as type: T.Type) throws -> T? {
        switch storage {
        case .postgres(let row):
            let cell = try Self.cell(row, column, "\(T.self)")
            return cell.bytes == nil ? nil : try cell.decode(T.self)
        case .sqlite(let row):
            guard let data = row.column(column) else { throw Unreadable(column: column, type: "\(T.self)") }
            if data == .null { return nil }
            guard let value = T(sqliteData: data) else { throw Unreadable(column: column, type: "\(T.self)") }
            return value
        case .other(let row):
            return try row.decode(column: column, as: T?.self)
        }
    }
}
