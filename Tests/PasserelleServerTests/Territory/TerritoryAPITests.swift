import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct TerritoryAPITests {
    @Test func searchFindsRiviereDuLoupFirst() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites?q=riviere%20du%20loup") { res async throws in
                #expect(res.status == .ok)
                let items = try #require(try res.object()["items"] as? [[String: Any]])
                #expect(items.first?["code"] as? String == "12072")
                #expect(items.first?["nom"] as? String == "Rivière-du-Loup")
                #expect(items.contains { $0["code"] as? String == "12010" }) // Saint-Hubert-de-Rivière-du-Loup
            }
        }
    }

    @Test(arguments: [
        ("riviere du lo", "12072"), ("RIVIÈRE-DU-LOUP", "12072"), ("st-zotique", "71025"), ("saint zotique", "71025"),
        ("71025", "71025"), ("ste anne des pl", "73035"), ("sainte-anne-des-plaines", "73035"), ("trois-rivieres", "37067"),
    ])
    func searchIsAccentCaseAndSaintInsensitive(query: String, expected: String) async throws {
        try await withPasserelle { app in
            let q = query.addingPercentEncodingForQuery
            try await app.testing().test(.GET, "/api/v1/municipalites?q=\(q)") { res async throws in
                let items = try #require(try res.object()["items"] as? [[String: Any]])
                #expect(items.first?["code"] as? String == expected, "\(query)")
            }
        }
    }

    @Test func steAnneFindsOnlySainteAnnes() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites?q=ste%20anne&per_page=100") { res async throws in
                let items = try #require(try res.object()["items"] as? [[String: Any]])
                #expect(items.count >= 5)
                for item in items {
                    let tokens = SearchKey.tokens(item["nom"] as? String ?? "")
                    #expect(tokens.contains("st") && tokens.contains { $0.hasPrefix("anne") }, "\(item["nom"] ?? "")")
                }
            }
        }
    }

    @Test func municipalityHasEveryColumnOfTheRepertoire() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites/71025") { res async throws in
                #expect(res.status == .ok)
                let object = try res.object()
                #expect(object["nom"] as? String == "Saint-Zotique")
                #expect(object["code_geo"] as? String == "71025")
                for column in MunicipalityColumn.allCases {
                    #expect(object.keys.contains(column.rawValue), "missing \(column.rawValue)")
                }
                #expect(object["population"] as? Int == 10452)
                #expect(object["mrc_code"] as? String == "710")
                #expect(object["date_constitution"] as? String == "1967-05-27")
                #expect(object["actif"] as? Bool == true)
                #expect((object["latitude"] as? Double).map { abs($0 - 45.23602) < 1e-9 } == true)
            }
        }
    }

    @Test func codesKeepTheirLeadingZeros() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites/04037") { res async throws in
                let object = try res.object()
                #expect(object["code_geo"] as? String == "04037")
                #expect(object["mrc_code"] as? String == "040")
            }
        }
    }

    @Test func badCodeIs400NamingTheParameter() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites/abc") { res async throws in
                #expect(res.status == .badRequest)
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                let object = try res.object()
                #expect(object["status"] as? Int == 400)
                #expect(object["code"] as? String == "invalid_parameter")
                let errors = try #require(object["errors"] as? [[String: Any]])
                #expect(errors.first?["name"] as? String == "code")
                #expect((errors.first?["detail"] as? String)?.contains("abc") == true)
            }
        }
    }

    @Test func unknownCodeIs404Problem() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites/99999") { res async throws in
                #expect(res.status == .notFound)
                #expect(try res.object()["code"] as? String == "not_found")
            }
            try await app.testing().test(.GET, "/api/v1/regions/42") { res async throws in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/api/v1/mrc/999") { res async throws in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/api/v1/nothing-here") { res async throws in
                #expect(res.status == .notFound)
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
        }
    }

    @Test(arguments: [
        ("per_page=100000", "per_page"), ("per_page=0", "per_page"), ("per_page=abc", "per_page"), ("page=0", "page"),
        ("page=-3", "page"), ("region=1", "region"), ("region=99", "region"), ("mrc=12345", "mrc"), ("mrc=998", "mrc"),
        ("designation=xx", "designation"), ("statut=ferme", "statut"),
        ("q=" + String(repeating: "a", count: 101), "q"),
    ])
    func badListParametersAre400(query: String, parameter: String) async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites?\(query)") { res async throws in
                #expect(res.status == .badRequest, "\(query)")
                let errors = try res.object()["errors"] as? [[String: Any]]
                #expect(errors?.first?["name"] as? String == parameter, "\(query)")
            }
        }
    }

    @Test func listIsPaginatedWithLinksAndTotal() async throws {
        try await withPasserelle { app in
            var firstPage: [String] = []
            try await app.testing().test(.GET, "/api/v1/municipalites?per_page=50") { res async throws in
                let object = try res.object()
                #expect(object["total"] as? Int == 1281)
                #expect(res.headers.first(name: "X-Total-Count") == "1281")
                let link = try #require(res.headers.first(name: .link))
                #expect(link.contains("rel=\"next\""))
                #expect(link.contains("page=26&per_page=50>; rel=\"last\""))
                #expect(!link.contains("rel=\"prev\""))
                firstPage = (object["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(firstPage.count == 50)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites?per_page=50&page=2") { res async throws in
                let codes = (try res.object()["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(codes.count == 50)
                #expect(Set(codes).isDisjoint(with: firstPage))
                #expect(res.headers.first(name: .link)?.contains("rel=\"prev\"") == true)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites?per_page=50&page=26") { res async throws in
                #expect((try res.object()["items"] as? [Any])?.count == 31)
                #expect(res.headers.first(name: .link)?.contains("rel=\"next\"") == false)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites?per_page=50&page=27") { res async throws in
                #expect(res.status == .ok)
                #expect((try res.object()["items"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func filtersByRegionMRCAndDesignation() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites?region=13") { res async throws in
                let items = try #require(try res.object()["items"] as? [[String: Any]])
                #expect(items.map { $0["code"] as? String } == ["65005"]) // Laval
            }
            try await app.testing().test(.GET, "/api/v1/municipalites?mrc=120&designation=10&per_page=100") { res async throws in
                let items = try #require(try res.object()["items"] as? [[String: Any]])
                #expect(items.contains { $0["code"] as? String == "12072" })
                #expect(items.allSatisfy { ($0["designation"] as? [String: Any])?["code"] as? String == "10" })
                #expect(items.allSatisfy { ($0["mrc"] as? [String: Any])?["code"] as? String == "120" })
            }
        }
    }

    @Test func conditionalGetAnswers304() async throws {
        try await withPasserelle { app in
            var etag = ""
            try await app.testing().test(.GET, "/api/v1/municipalites/12072") { res async throws in
                etag = try #require(res.headers.first(name: .eTag))
                #expect(res.headers.first(name: .cacheControl)?.contains("max-age") == true)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/12072", headers: ["If-None-Match": etag]) { res async throws in
                #expect(res.status == .notModified)
                #expect(res.body.readableBytes == 0)
                #expect(res.headers.first(name: .eTag) == etag)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/12072", headers: ["If-None-Match": "\"other\""]) { res async throws in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/71025", headers: ["If-None-Match": etag]) { res async throws in
                #expect(res.status == .ok)
            }
        }
    }

    @Test func regionsAndTheirTotalsMatchTheRepertoire() async throws {
        let regions = try Fixtures.territoryFile("quebec_regions_administratives.csv")
        let expected = try CSV.parse(regions).dropFirst().map { ($0.fields[0], Int($0.fields[2])!, Int($0.fields[3])!, Int($0.fields[4])!) }
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/regions") { res async throws in
                let items = try #require(try res.json() as? [[String: Any]])
                #expect(items.count == 17)
                for (code, population, local, entities) in expected {
                    let region = try #require(items.first { $0["code"] as? String == code })
                    #expect(region["population"] as? Int == population, "\(code)")
                    #expect(region["nb_municipalites_locales"] as? Int == local, "\(code)")
                    #expect(region["nb_entites"] as? Int == entities, "\(code)")
                }
            }
            try await app.testing().test(.GET, "/api/v1/regions/01") { res async throws in
                let object = try res.object()
                #expect((object["region"] as? [String: Any])?["nom"] as? String == "Bas-Saint-Laurent")
                let units = try #require(object["mrc"] as? [[String: Any]])
                #expect(units.contains { $0["code"] as? String == "120" })
            }
        }
    }

    /// The shipped MRC file's counts are the reference, except for the census division 99
    /// (Nord-du-Québec), where the file counts one Cree village as part of the territory and
    /// Passerelle, like the Répertoire, leaves every Cree, Naskapi and Inuit land outside any MRC.
    @Test func mrcTotalsMatchTheShippedFile() async throws {
        let units = try CSV.parse(try Fixtures.territoryFile("quebec_mrc.csv")).dropFirst()
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/mrc") { res async throws in
                let items = try #require(try res.json() as? [[String: Any]])
                #expect(items.count == 103)
                for unit in units where unit.fields[1] != "99" {
                    let item = try #require(items.first { $0["code"] as? String == unit.fields[1] })
                    #expect(item["population"] as? Int == Int(unit.fields[5]), "\(unit.fields[1])")
                    #expect(item["nb_municipalites_locales"] as? Int == Int(unit.fields[6]), "\(unit.fields[1])")
                    #expect(item["nb_entites"] as? Int == Int(unit.fields[7]), "\(unit.fields[1])")
                }
            }
            try await app.testing().test(.GET, "/api/v1/mrc?region=03") { res async throws in
                let items = try #require(try res.json() as? [[String: Any]])
                #expect(items.allSatisfy { ($0["region"] as? [String: Any])?["code"] as? String == "03" })
                #expect(items.contains { $0["code"] as? String == "23" }) // Québec, outside any MRC
            }
            try await app.testing().test(.GET, "/api/v1/mrc/120") { res async throws in
                let object = try res.object()
                let members = try #require(object["municipalites"] as? [[String: Any]])
                #expect(members.contains { $0["code"] as? String == "12072" })
            }
        }
    }

    @Test func problemsSpeakTheCallersLanguage() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/municipalites/99999", headers: ["Accept-Language": "en-CA,en;q=0.9"]) { res async throws in
                #expect(try res.object()["title"] as? String == "Not found")
                #expect(res.headers.first(name: "Content-Language") == "en-CA")
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/99999?lang=en") { res async throws in
                #expect(try res.object()["title"] as? String == "Not found")
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/99999") { res async throws in
                #expect(try res.object()["title"] as? String == "Introuvable")
            }
            // English only when asked for by name: a client's generic `en` gets French.
            try await app.testing().test(.GET, "/api/v1/municipalites/99999", headers: ["Accept-Language": "en-US,en;q=0.9"]) { res async throws in
                #expect(try res.object()["title"] as? String == "Introuvable")
            }
        }
    }
}
