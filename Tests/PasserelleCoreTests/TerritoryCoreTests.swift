import Foundation
@testable import PasserelleCore
import Testing

@Suite struct SearchKeyTests {
    @Test func foldsAccentsCaseAndPunctuation() {
        #expect(SearchKey.tokens("Rivière-du-Loup") == ["riviere", "du", "loup"])
        #expect(SearchKey.tokens("L'Isle-Verte") == ["l", "isle", "verte"])
        #expect(SearchKey.tokens("Saint-Louis-du-Ha! Ha!") == ["st", "louis", "du", "ha", "ha"])
        #expect(SearchKey.tokens("Sainte-Anne") == SearchKey.tokens("ste anne"))
        #expect(SearchKey.tokens("St-Zotique") == SearchKey.tokens("Saint-Zotique"))
        #expect(SearchKey.tokens("Cœur-Immaculé") == ["coeur", "immacule"])
        #expect(SearchKey.tokens("  ") == [])
    }

    @Test func ranksExactThenPrefixThenWords() {
        let exact = SearchEntry("Rivière-du-Loup")
        let inside = SearchEntry("Saint-Hubert-de-Rivière-du-Loup")
        let query = SearchQuery("riviere du loup")
        #expect(exact.rank(query) == 0)
        #expect(inside.rank(query) == 2)
        #expect(exact.rank(SearchQuery("riviere du lo")) == 1)
        #expect(SearchEntry("Loup-Rivière").rank(SearchQuery("riviere loup")) == 3)
        #expect(exact.rank(SearchQuery("riviere bleue")) == nil)
        #expect(exact.rank(SearchQuery("")) == nil)
        // A word of the query may not be matched twice.
        #expect(SearchEntry("Saint-Louis").rank(SearchQuery("st st")) == nil)
    }
}

@Suite struct CSVTests {
    @Test func readsQuotesCommasAndLineBreaks() throws {
        let text = "a,b,c\r\n1,\"deux, trois\",\"il dit \"\"oui\"\"\"\n2,\"ligne\nsuivante\",\n\n3,,x"
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(records[1].fields == ["1", "deux, trois", "il dit \"oui\""])
        #expect(records[2].fields == ["2", "ligne\nsuivante", ""])
        #expect(records[3].fields == ["3", "", "x"])
    }

    @Test func namesTheLineOfBadQuoting() {
        #expect(throws: CSV.SyntaxError(line: 3, reason: .unterminatedQuote)) { try CSV.parse("a\nb\n\"open\nnever closed") }
        #expect(throws: CSV.SyntaxError(line: 2, reason: .quoteInUnquotedField)) { try CSV.parse("a,b\nx\"y\",z") }
        #expect(throws: CSV.SyntaxError(line: 1, reason: .textAfterClosingQuote)) { try CSV.parse("\"a\"b,c") }
    }

    @Test func escapesWhatNeedsIt() {
        #expect(CSV.escape("simple") == "simple")
        #expect(CSV.escape("a,b") == "\"a,b\"")
        #expect(CSV.escape("dit \"oui\"") == "\"dit \"\"oui\"\"\"")
    }
}

@Suite struct TerritoryFilesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/PasserelleServer/Resources/Territory")

    static func file(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func shipped() throws -> (regions: [RegionRecord], units: [TerritoryUnitRecord], designations: [DesignationRecord],
                                     municipalities: Result<[MunicipalityRecord], ImportProblems>) {
        let regions = try TerritoryFiles.regions(file("quebec_regions_administratives.csv")).get()
        let units = try TerritoryFiles.territoryUnits(file("quebec_mrc.csv"), regionCodes: Set(regions.map(\.code))).get()
        let designations = try TerritoryFiles.designations(file("quebec_designations.csv")).get()
        let municipalities = TerritoryFiles.municipalities(
            try file("quebec_municipalites_mamh.csv"), designationCodes: Set(designations.map(\.code)),
            regionCodes: Set(regions.map(\.code)), unitCodes: Set(units.map(\.code)))
        return (regions, units, designations, municipalities)
    }

    @Test func shippedFilesAreValidAndComplete() throws {
        let shipped = try Self.shipped()
        #expect(shipped.regions.count == 17)
        #expect(shipped.units.count == 103)
        #expect(shipped.designations.count == 15)
        let municipalities = try shipped.municipalities.get()
        #expect(municipalities.count == 1281)
        #expect(municipalities.filter { $0.latitude != nil }.count == 1099)
        let zotique = try #require(municipalities.first { $0.code == "71025" })
        #expect(zotique.name == "Saint-Zotique" && zotique.mrcCode == "710" && zotique.population == 10452)
        #expect(municipalities.first { $0.code == "04037" }?.mrcCode == "040")
    }

    @Test func everyColumnRoundTrips() throws {
        let records = try Self.shipped().municipalities.get()
        let header = MunicipalityColumn.allCases.map(\.rawValue).joined(separator: ",")
        let text = ([header] + records.map { r in MunicipalityColumn.allCases.map { CSV.escape(r.field($0)) }.joined(separator: ",") })
            .joined(separator: "\n")
        let shipped = try Self.shipped()
        let again = try TerritoryFiles.municipalities(text, designationCodes: Set(shipped.designations.map(\.code)),
                                                      regionCodes: Set(shipped.regions.map(\.code)),
                                                      unitCodes: Set(shipped.units.map(\.code))).get()
        #expect(again == records)
    }

    @Test func reportsEveryBadRowWithItsLineAndColumn() throws {
        let header = MunicipalityColumn.allCases.map(\.rawValue).joined(separator: ",")
        var good = try Self.file("quebec_municipalites_mamh.csv").replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")[1]
        good = good.replacingOccurrences(of: "\r", with: "")
        let fields = good.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ changes: [Int: String]) -> String {
            var copy = fields
            for (index, value) in changes { copy[index] = value }
            return copy.joined(separator: ",")
        }
        let text = [header, good, row([0: "4600"]), row([18: "beaucoup"]), row([17: "1929-02-30"]),
                    row([4: "77"]), good, "1,2,3"].joined(separator: "\n")
        let problems = try #require(TerritoryFiles.municipalities(text, designationCodes: ["06"], regionCodes: ["05"],
                                                                  unitCodes: ["460"]).failure?.problems)
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(problems.map(\.column) == ["code_geo", "superficie_km2", "date_constitution", "region_code", nil, nil])
        #expect(problems[4].key == "import.problem.duplicate_code")
        #expect(problems[5].key == "import.problem.field_count")
    }

    @Test func refusesAFileWithoutItsColumns() {
        let problems = TerritoryFiles.municipalities("code_geo,nom\n12072,X", designationCodes: [], regionCodes: [], unitCodes: [])
            .failure?.problems
        #expect(problems?.count == 1)
        #expect(problems?.first?.key == "import.problem.missing_columns")
        #expect(TerritoryFiles.regions("").failure?.problems.first?.key == "import.problem.empty_file")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
