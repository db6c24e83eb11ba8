import Foundation
import Fluent
@testable import PasserelleServer
import SQLKit
import Testing

/// A migration is known by the name its table records, so moving or renaming its file must not
/// change that name: a database migrated before would run it again (and fail on its tables).
@Suite struct MigrationNamesTests {
    /// What `_fluent_migrations` held, in order, on a database migrated before the migrations moved
    /// to one file each under `Migrations/` (read off such a database, not written by hand).
    static let recordedBeforeTheMove = [
        "PasserelleServer.CreateAuditJournal",
        "PasserelleServer.CreateTerritoryTables",
        "PasserelleServer.LoadShippedTerritory",
        "PasserelleServer.CreateIdentityTables",
        "PasserelleServer.SyncOrganisations",
        "PasserelleServer.CreateAccessTables",
        "PasserelleServer.CreateRequestTables",
        "PasserelleServer.CreateAttachmentTable",
        "PasserelleServer.CreateRequestSearch",
        "PasserelleServer.AddOutboxDelivery",
        "PasserelleServer.CreateRequestFollowers",
        "PasserelleServer.CreateStandardAnswers",
        "PasserelleServer.CreateRequestQueueIndexes",
        "PasserelleServer.RequestFieldsMigration",
        "PasserelleServer.CreateRequestDrafts",
        "PasserelleServer.RefoldRequestSearchText",
        "PasserelleServer.CreateRequestGroupIndex",
        "PasserelleServer.AddRequestStageTargets",
        "PasserelleServer.CreateLiaisonTables",
        "PasserelleServer.CreateRequestStats",
        "PasserelleServer.CreateGrantTables",
        "PasserelleServer.LoadGrantPrograms",
        "PasserelleServer.CreateGrantProgramVersions",
        "PasserelleServer.AddProgramIndicators",
        "PasserelleServer.CreateAgreementTables",
        "PasserelleServer.CoverPaymentsByOrganisation",
        "PasserelleServer.IndexPaymentsInRuns",
        "PasserelleServer.AddSchedulePlans",
        "PasserelleServer.CreateRequestWords"
    ]

    @Test func aDatabaseMigratedBeforeTheMoveRunsNoMigrationAgain() async throws {
        try await withPasserelle { app in
            // setup: the fresh database is migrated once by `prepare`
            let recorded = try await app.db.sql.raw("SELECT name, batch FROM _fluent_migrations").all()
            let names = try recorded.map { try $0.decode(column: "name", as: String.self) }

            // act: migrate again, as an instance started on a database of the previous layout does
            try await app.autoMigrate()

            // validate: the names recorded before come first, in the same order, each migration
            // since in the order of its file, and nothing ran the second time
            let sorted = try await app.db.sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at").all()
                .map { try $0.decode(column: "name", as: String.self) }
            #expect(Array(sorted.prefix(Self.recordedBeforeTheMove.count)) == Self.recordedBeforeTheMove)
            #expect(sorted.map { String($0.dropFirst("PasserelleServer.".count)) } == (try Self.fileTypes()))
            let after = try await app.db.sql.raw("SELECT count(*) AS n FROM _fluent_migrations").first()
            #expect(try after?.decode(column: "n", as: Int.self) == names.count)
        }
    }

    static func migrationFiles() throws -> [String] {
        let folder = Fixtures.sourcesFolder.appendingPathComponent("Sources/PasserelleServer/Migrations")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
    }

    /// The migration each `NNN_Name.swift` holds, in the order of the numbers.
    static func fileTypes() throws -> [String] {
        try migrationFiles().map { String($0.dropFirst(4).dropLast(".swift".count)) }
    }

    @Test func everyMigrationIsRegisteredInTheOrderOfItsFileNumber() throws {
        // act
        let files = try Self.migrationFiles()

        // validate: `NNN_Name.swift` holds the migration `Name`, the NNNth to run; the files that
        // were there before the move keep their place
        let types = try Self.fileTypes()
        #expect(Array(types.prefix(Self.recordedBeforeTheMove.count)) == Self.recordedBeforeTheMove.map { String($0.dropFirst("PasserelleServer.".count)) })
        for (index, file) in files.enumerated() {
            #expect(file.hasPrefix(String(format: "%03d_", index + 1)))
        }
    }
}
