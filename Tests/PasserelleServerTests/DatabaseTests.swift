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
                let mode = try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
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
