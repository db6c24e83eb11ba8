import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct TerritoryPagesTests {
    static let pages = ["/", "/regions", "/regions/01", "/mrc/120", "/mrc/23", "/municipalites", "/municipalites?q=ste+anne",
                        "/municipalites/12072", "/municipalites/71025", "/recherche?q=riviere+du+loup", "/recherche",
                        "/api", "/sources", "/connexion"]

    @Test func homeIsInFrenchByDefault() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/") { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.hasPrefix("<!DOCTYPE html>"))
                #expect(html.contains("<html lang=\"fr-CA\">"))
                #expect(html.contains("Passer au contenu principal"))
                #expect(html.contains("href=\"#contenu\""))
                #expect(html.contains("Répertoire du territoire"))
                #expect(html.contains("1\u{00A0}281")) // entities, French grouping
                #expect(html.contains("Source : ministère des Affaires municipales et de l'Habitation"))
                #expect(res.headers.first(name: "Content-Language") == "fr-CA")
            }
        }
    }

    @Test func languageToggleSwitchesAndIsRemembered() async throws {
        try await withPasserelle { app in
            var cookie = ""
            try await app.testing().test(.GET, "/regions?lang=en-CA") { res async throws in
                #expect(res.body.string.contains("<html lang=\"en-CA\">"))
                #expect(res.body.string.contains("Administrative regions"))
                #expect(res.body.string.contains("href=\"/regions?lang=fr-CA\""))
                let setCookie = try #require(res.headers.first(name: .setCookie))
                #expect(setCookie.contains("lang=en-CA"))
                #expect(setCookie.contains("HttpOnly"))
                cookie = String(setCookie.split(separator: ";")[0])
            }
            try await app.testing().test(.GET, "/regions", headers: ["Cookie": cookie]) { res async throws in
                #expect(res.body.string.contains("<html lang=\"en-CA\">"))
            }
            // A browser set to English alone still gets French: the person chooses, not the browser.
            for path in ["/", "/regions"] {
                try await app.testing().test(.GET, path, headers: ["Accept-Language": "en-US,en;q=0.9"]) { res async throws in
                    #expect(res.body.string.contains("<html lang=\"fr-CA\">"))
                }
            }
            try await app.testing().test(.GET, "/regions", headers: ["Accept-Language": "en", "Cookie": "lang=fr-CA"]) { res async throws in
                #expect(res.body.string.contains("<html lang=\"fr-CA\">"))
            }
        }
    }

    @Test func municipalityPageShowsEveryField() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/municipalites/71025") { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("<h1>Saint-Zotique"))
                #expect(html.contains("href=\"/regions/16\""))
                #expect(html.contains("href=\"/mrc/710\""))
                #expect(html.contains("27\u{00A0}mai 1967"))
                #expect(html.contains("10\u{00A0}452"))
                #expect(html.contains("latitude 45,23602"))
                #expect(html.contains("J0P 1Z0"))
                #expect(html.contains("450 267-9335"))
                let l = Localizer(.frCA)
                for key in ["field.code_geo", "field.designation", "field.region", "field.territory", "field.mrc",
                            "field.census_division", "field.electoral_division", "field.constitution_date",
                            "field.population", "field.area", "field.land_area", "field.next_election", "field.address",
                            "field.telephone", "field.website", "field.coordinates", "field.coordinates_source"] {
                    #expect(html.contains(l(key).replacingOccurrences(of: "'", with: "&#39;")) || html.contains(l(key)), "\(key)")
                }
            }
        }
    }

    @Test func regionAndMRCPagesListTheirMembers() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/regions/01") { res async throws in
                #expect(res.body.string.contains("<h1>Bas-Saint-Laurent</h1>"))
                #expect(res.body.string.contains("href=\"/mrc/120\""))
            }
            try await app.testing().test(.GET, "/mrc/120") { res async throws in
                #expect(res.body.string.contains("href=\"/municipalites/12072\""))
                #expect(res.body.string.contains("href=\"/regions/01\""))
            }
        }
    }

    @Test func searchPageGroupsRegionsMRCAndMunicipalities() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/recherche?q=riviere+du+loup") { res async throws in
                let html = res.body.string
                #expect(html.contains("href=\"/mrc/120\""))
                let first = try #require(html.range(of: "/municipalites/12072"))
                let other = try #require(html.range(of: "/municipalites/12010"))
                #expect(first.lowerBound < other.lowerBound)
            }
            try await app.testing().test(.GET, "/recherche?q=zzzzqqq") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Aucune région, MRC ou municipalité ne correspond"))
            }
        }
    }

    @Test func badFilterKeepsWhatWasTypedAndLinksTheError() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/municipalites?q=lac&mrc=12a") { res async throws in
                #expect(res.status == .badRequest)
                let html = res.body.string
                #expect(html.contains("class=\"error-summary\""))
                #expect(html.contains("href=\"#champ-mrc\""))
                #expect(html.contains("value=\"12a\""))
                #expect(html.contains("value=\"lac\""))
                #expect(html.contains("aria-invalid=\"true\""))
            }
        }
    }

    @Test func listPaginatesFiftyAtATime() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/municipalites?page=2") { res async throws in
                let html = res.body.string
                #expect(html.contains("aria-current=\"page\""))
                #expect(html.contains("rel=\"prev\""))
                #expect(html.contains("1\u{00A0}281 résultat(s)"))
            }
        }
    }

    @Test func unknownPagesAreFriendly404s() async throws {
        try await withPasserelle { app in
            for path in ["/municipalites/99999", "/regions/42", "/mrc/abc", "/nulle-part"] {
                try await app.testing().test(.GET, path) { res async throws in
                    #expect(res.status == .notFound, "\(path)")
                    #expect(res.headers.contentType == .html, "\(path)")
                    #expect(res.body.string.contains("Page introuvable"), "\(path)")
                    #expect(res.body.string.contains("role=\"search\""), "\(path)")
                }
            }
        }
    }

    @Test func everyPageCarriesTheSecurityHeaders() async throws {
        try await withPasserelle { app in
            for path in Self.pages {
                try await app.testing().test(.GET, path) { res async throws in
                    #expect(res.status == .ok, "\(path)")
                    let csp = try #require(res.headers.first(name: "Content-Security-Policy"), "\(path)")
                    #expect(!csp.contains("unsafe-inline"))
                    #expect(csp.contains("frame-ancestors 'none'"))
                    #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                    #expect(res.headers.first(name: "X-Request-Id") != nil)
                }
            }
        }
    }

    /// WCAG by construction: one h1, no skipped heading level, every field labelled, every table
    /// captioned, the language declared, no inline style or script.
    @Test func everyPageIsAccessibleByConstruction() async throws {
        try await withPasserelle { app in
            for path in Self.pages + ["/municipalites?mrc=zz"] {
                for language in ["fr-CA", "en-CA"] {
                    try await app.testing().test(.GET, path + (path.contains("?") ? "&" : "?") + "lang=\(language)") { res async throws in
                        let problems = AccessibilityCheck.problems(in: res.body.string)
                        #expect(problems.isEmpty, "\(path) \(language): \(problems)")
                        #expect(!res.body.string.contains("⟦"), "\(path) \(language): a catalog key is missing")
                    }
                }
            }
        }
    }

    @Test func stylesheetIsServedForAYear() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, Assets.stylesheetURL) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "css")
                #expect(res.headers.first(name: .cacheControl)?.contains("immutable") == true)
                #expect(res.body.string.contains("#095797"))
            }
            try await app.testing().test(.GET, "/assets/old.css") { res async throws in #expect(res.status == .notFound) }
        }
    }
}

@Suite struct EscapingTests {
    @Test func whatPeopleTypeCannotBreakOutOfThePage() async throws {
        try await withPasserelle { app in
            let attack = "\"><img src=x onerror=alert(1)>&amp;'"
            let q = attack.addingPercentEncodingForQuery
            for path in ["/recherche?q=\(q)", "/municipalites?q=\(q)", "/municipalites?mrc=\(q)", "/regions?x=\(q)"] {
                try await app.testing().test(.GET, path) { res async throws in
                    let html = res.body.string
                    #expect(!html.contains("<img"), "\(path)")
                    #expect(!html.contains("\"><img"), "\(path)")
                    #expect(!html.contains("content=\"Résultats pour « \""), "\(path)")
                    #expect(res.status.code < 500, "\(path)")
                }
            }
            try await app.testing().test(.GET, "/recherche?q=\(q)") { res async throws in
                #expect(res.body.string.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&#39;\""))
            }
        }
    }

    /// A cached page is the same for everyone: a parameter it does not read stays out of it.
    @Test func strayParametersStayOutOfCachedPages() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/municipalites/12072?q=secret&utm=x") { res async throws in
                #expect(!res.body.string.contains("secret"))
                #expect(res.body.string.contains("href=\"/municipalites/12072?lang=en-CA\""))
            }
            try await app.testing().test(.GET, "/municipalites/12072") { res async throws in
                #expect(!res.body.string.contains("secret"))
            }
            try await app.testing().test(.GET, "/municipalites?q=lac&utm=x") { res async throws in
                #expect(res.body.string.contains("href=\"/municipalites?q=lac&amp;lang=en-CA\""))
            }
        }
    }
}
