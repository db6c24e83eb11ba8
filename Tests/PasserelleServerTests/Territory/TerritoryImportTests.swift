import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct TerritoryImportTests {
    /// The shipped file changed the way a new Répertoire would: one population changed, one entity
    /// gone (a merger), one new.
    static func newerRepertoire() throws -> String {
        var lines = try Fixtures.territoryFile("quebec_municipalites_mamh.csv")
            .replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        let zotique = try #require(lines.firstIndex { $0.hasPrefix("71025,") })
        lines[zotique] = lines[zotique].replacingOccurrences(of: ",10452,", with: ",10999,")
        lines.removeAll { $0.hasPrefix("46005,") } // Abercorn
        let actonVale = try #require(lines.first { $0.hasPrefix("48028,") })
        lines.append(actonVale.replacingOccurrences(of: "48028,Acton Vale", with: "48099,Acton-Nouvelle"))
        return lines.joined(separator: "\n")
    }

    @Test func importReportsAddedChangedAndDelisted() async throws {
        try await withPasserelle { app in
            let files = TerritoryFileSet(municipalities: try Self.newerRepertoire())
            let today = CalendarDate(year: 2026, month: 11, day: 21)!
            let report = try await TerritoryImport.apply(files, source: "test", on: app.db, today: today, actor: .system("test"))
            #expect(report.revision == 2)
            #expect(report.added == ["48099"])
            #expect(report.delisted == ["46005"])
            #expect(report.changed.map(\.code) == ["71025"])
            #expect(report.changed.first?.columns == [.population])

            // The directory follows, and the delisted entity is kept, inactive with the date.
            try await app.territory.refresh(from: app.db)
            try await app.testing().test(.GET, "/api/v1/municipalites/46005") { res async throws in
                let object = try res.object()
                #expect(object["actif"] as? Bool == false)
                #expect(object["inactif_depuis"] as? String == "2026-11-21")
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/71025") { res async throws in
                #expect(try res.object()["population"] as? Int == 10999)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites?statut=inactif") { res async throws in
                #expect(try res.object()["total"] as? Int == 1)
            }
            try await app.testing().test(.GET, "/municipalites/46005") { res async throws in
                #expect(res.body.string.contains("depuis le 21\u{00A0}novembre 2026"))
            }
            #expect(try await MunicipalityModel.query(on: app.db).count() == 1282)

            // Each entity's change is in the journal, column by column, and the chain holds.
            let history = try await AuditEventModel.query(on: app.db)
                .filter(\.$recordType == "municipality").filter(\.$recordID == "71025").all()
            #expect(history.map(\.action) == ["municipality.update"])
            #expect(history.first?.decodedChanges["population"] == AuditChange(before: "10452", after: "10999"))
            #expect(history.first?.actorLabel == "system:test")
            let delisted = try await AuditEventModel.query(on: app.db).filter(\.$recordID == "46005").first()
            #expect(delisted?.decodedChanges["inactif_depuis"]?.after == "2026-11-21")
            #expect(try await Audit.verify(on: app.db) == .success(6)) // first loads, summary, 3 entities

            // The same file again changes nothing; the shipped one brings Abercorn back.
            let again = try await TerritoryImport.apply(files, source: "test", on: app.db, today: today, actor: .system("test"))
            #expect(again.added.isEmpty && again.changed.isEmpty && again.delisted.isEmpty)
            let back = try await TerritoryImport.apply(try TerritoryFileSet.shipped(), source: "shipped", on: app.db, today: today, actor: .system("test"))
            #expect(back.reactivated == ["46005"])
            #expect(back.delisted == ["48099"])
        }
    }

    @Test func oneBadRowChangesNothingAndNamesTheLine() async throws {
        try await withPasserelle { app in
            var lines = try Self.newerRepertoire().components(separatedBy: "\n")
            #expect(lines.count > 1000)
            let index = try #require(lines.firstIndex { $0.hasPrefix("12072,") })
            lines[index] = lines[index].replacingOccurrences(of: "12072,Rivière-du-Loup,10,Ville,01", with: "12072,Rivière-du-Loup,10,Ville,77")
            let files = TerritoryFileSet(municipalities: lines.joined(separator: "\n"))
            await #expect {
                try await TerritoryImport.apply(files, source: "test", on: app.db, today: .today, actor: .system("test"))
            } throws: { error in
                guard case TerritoryImportError.invalid(let file, let problems) = error else { return false }
                return file == "quebec_municipalites_mamh.csv" && problems.count == 1
                    && problems[0].line == index + 1 && problems[0].column == "region_code"
            }
            #expect(try await TerritoryRevisionModel.query(on: app.db).count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).count() == 2) // only the first loads (territory, organisations)
            #expect(try await MunicipalityModel.query(on: app.db).filter(\.$code == "71025").first()?.record().population == 10452)
            #expect(try await MunicipalityModel.query(on: app.db).filter(\.$code == "46005").first()?.active == true)
        }
    }

    @Test func importCommandReadsAFolderOrAFile() async throws {
        try await Fixtures.withTemporaryFolder { folder in
            let file = folder.appendingPathComponent(TerritoryFileSet.municipalitiesFile)
            try Self.newerRepertoire().write(to: file, atomically: true, encoding: .utf8)
            let fromFile = try TerritoryFileSet.read(path: file.path)
            #expect(fromFile.regions == nil)
            let fromFolder = try TerritoryFileSet.read(path: folder.path)
            #expect(fromFolder.municipalities == fromFile.municipalities)
            #expect(throws: TerritoryImportError.self) { try TerritoryFileSet.read(path: folder.appendingPathComponent("none.csv").path) }
            try Data([0xFF, 0xFE, 0x00]).write(to: file)
            #expect(throws: TerritoryImportError.self) { try TerritoryFileSet.read(path: file.path) }
        }
    }

    @Test func problemsReadInTheReadersLanguage() {
        let problem = ImportProblem(line: 12, column: "region_code", key: "import.problem.unknown_region", arguments: ["value": "77"])
        #expect(problem.message(.of(.frCA)) == "Ligne 12, colonne « region_code » : la région « 77 » n'existe pas.")
        #expect(problem.message(.of(.enCA)) == "Line 12, column “region_code”: region “77” does not exist.")
    }

    @Test func migrationLoadsTheWholeTerritoryOnce() async throws {
        try await withPasserelle { app in
            #expect(try await RegionModel.query(on: app.db).count() == 17)
            #expect(try await TerritoryUnitModel.query(on: app.db).count() == 103)
            #expect(try await DesignationModel.query(on: app.db).count() == 15)
            #expect(try await MunicipalityModel.query(on: app.db).count() == 1281)
            try await app.autoMigrate()
            #expect(try await MunicipalityModel.query(on: app.db).count() == 1281)
            #expect(app.territory.current.revision == 1)
        }
    }
}
