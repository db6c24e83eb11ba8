import Fluent
@testable import PasserelleCore
import Foundation
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

@Suite struct DatabaseTests {
    @Test func dialectIsDetected() async throws {
        try await withPasserelle { app in
            #expect(DatabaseDialect(app.db) == (isPostgresRun ? .postgres : .sqlite))
        }
    }

    /// Rows read cell by cell by type give what `SQLRow` gives, on both databases, and read the
    /// driver's own row (not through `SQLRow`, whose decoding is what they avoid).
    @Test func plainRowsReadTheDriversRowAndAgreeWithSQLRow() async throws {
        try await withPasserelle { app in
            let sql = app.db.sql
            let organisation = try #require(try await sql.raw("SELECT id, code, name FROM organisations ORDER BY code LIMIT 1").first())
            let plain = PlainRow(organisation)
            #expect(plain.isDirect)
            #expect(try plain.uuid("id") == organisation.decode(column: "id", as: UUID.self))
            #expect(try plain.string("code") == organisation.decode(column: "code", as: String.self))
            #expect(try plain.string("name") == organisation.decode(column: "name", as: String.self))

            let literal = try #require(try await sql.raw("""
                SELECT CAST(42 AS BIGINT) AS i, CAST(46.5 AS DOUBLE PRECISION) AS d, CAST(NULL AS TEXT) AS n,
                       CAST(NULL AS BIGINT) AS ni, \(bind: "Lévis — «Desjardins»") AS s
                """).first())
            let row = PlainRow(literal)
            #expect(row.isDirect)
            #expect(try row.int("i") == 42)
            #expect(try row.optionalDouble("d") == 46.5)
            #expect(try row.optionalString("n") == nil)
            #expect(try row.optionalInt("ni") == nil)
            #expect(try row.string("s") == "Lévis — «Desjardins»")
            #expect(throws: (any Error).self) { try row.string("n") }
            #expect(throws: (any Error).self) { try row.uuid("s") }
            #expect(throws: (any Error).self) { try row.optionalString("absent") }
            #expect(throws: (any Error).self) { try row.optionalInt("absent") }
        }
    }

    @Test func foreignKeysAreEnforced() async throws {
        try await withPasserelle { app in
            let model = try MunicipalityModel(MunicipalityRecord.sample(code: "00001", region: "99"))
            await #expect(throws: (any Error).self) { try await model.create(on: app.db) }
        }
    }

    @Test func sqliteFileIsCreatedMigratedAndInWALMode() async throws {
        guard !isPostgresRun else { return }
        try await Fixtures.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("sub/passerelle.sqlite").path
            let app = try await Application.make(.testing)
            app.logger.logLevel = .warning
            do {
                try await configure(app, settings: Settings(database: .sqliteFile(path)))
                try await prepare(app)
                #expect(FileManager.default.fileExists(atPath: path))
                let mode = try await app.db.sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                #expect(mode == "wal")
                #expect(app.territory.current.municipalities.count == 1281)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}

extension MunicipalityRecord {
    static func sample(code: String, region: String) -> MunicipalityRecord {
        MunicipalityRecord(code: code, name: "Essai", designationCode: "05", designation: "Municipalité", regionCode: region,
                           regionName: "?", mrcCode: nil, mrcName: nil, regionalAdministrationCode: nil,
                           regionalAdministrationName: nil, censusDivisionCode: "46", censusDivisionName: "?",
                           outsideMRCOrIndigenous: true, metropolitanCommunityCode: nil, metropolitanCommunityName: nil,
                           electoralDivisionCode: nil, electoralDivisionName: nil, constitutionDate: nil, areaKm2: nil,
                           landAreaKm2: nil, population: nil, nextElectionDate: nil, address: nil, addressLocality: nil,
                           postalCode: nil, telephone: nil, website: nil, latitude: nil, longitude: nil, coordinatesSource: nil)
    }
}

/// A table of every kind of value `LiteralRows` writes, read back through Fluent.
final class LiteralProbe: Model, @unchecked Sendable {
    static let schema = "literal_probe"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "at") var at: Date?
    @Field(key: "flag") var flag: Bool
    @Field(key: "note") var note: String
    @Field(key: "n") var n: Int64
    @OptionalField(key: "other") var other: UUID?
    init() {}
}

@Suite struct LiteralRowsTests {
    @Test func literalRowsReadBackAsFluentWroteThem() async throws {
        try await withPasserelle { app in
            try await app.db.schema(LiteralProbe.schema).id().field("at", .datetime).field("flag", .bool, .required)
                .field("note", .string, .required).field("n", .int64, .required).field("other", .uuid).create()
            let at = Date(timeIntervalSince1970: 1_796_126_455.5)
            let (a, b) = (UUID.timeOrdered(), UUID())
            try await LiteralRows.insert(into: LiteralProbe.schema, columns: ["id", "at", "flag", "note", "n", "other"], rows: [
                [.uuid(a), .date(at), .bool(true), .text("l'avis d'« aménagement »; DROP TABLE x; --"), .int(-9_000_000_000), .uuid(b)],
                [.uuid(b), .null, .bool(false), .text(""), .int(0), .null],
            ], on: app.db.sql)
            let first = try #require(try await LiteralProbe.find(a, on: app.db))
            #expect(first.at == at)
            #expect(first.flag == true && first.n == -9_000_000_000 && first.other == b)
            #expect(first.note == "l'avis d'« aménagement »; DROP TABLE x; --")
            let second = try #require(try await LiteralProbe.find(b, on: app.db))
            #expect(second.at == nil && second.flag == false && second.note == "" && second.other == nil)
            // A row the usual way finds the literal one by its identifier, as text and as uuid alike.
            #expect(try await LiteralProbe.query(on: app.db).filter(\.$other == b).first()?.id == a)
        }
    }

    @Test func timeOrderedIdentifiersAreVersion7AndGrowWithTime() {
        let early = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_000.002))
        #expect(early.uuidString < late.uuidString)
        #expect(early.uuidString.hasPrefix("018BCFE5-6800-7"))
        let text = Array(late.uuidString)
        #expect(text[14] == "7")
        #expect("89AB".contains(text[19]))
        #expect(Set((0..<1000).map { _ in UUID.timeOrdered() }).count == 1000)
    }
}
