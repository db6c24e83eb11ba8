import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct WorksTests {
    static let town = "mun-12072"       // Rivière-du-Loup
    static let directorate = "unite-dgt-est" // serves Bas-Saint-Laurent (01)
    static let other = "mun-46005"      // Abercorn

    /// Route 132 (rue Lafontaine) through Rivière-du-Loup, west to east, and the same street 8 m north.
    static let route132 = #"{"type":"LineString","coordinates":[[-69.5420,47.8290],[-69.5370,47.8320],[-69.5330,47.8345]]}"#
    static let sameStreet = #"{"type":"LineString","coordinates":[[-69.5420,47.82907],[-69.5370,47.83207],[-69.5330,47.83457]]}"#

    func work(_ browser: Browser, owner: String, _ fields: [String: String]) async throws -> (number: String, page: String) {
        var form = fields
        form["_csrf"] = try await browser.csrf(at: "/organisations/\(owner)/interventions/nouvelle")
        let response = try await browser.send(.POST, "/organisations/\(owner)/interventions", form: form)
        #expect(response.status == .seeOther, "\(response.status): \(response.body.string.prefix(3000))")
        let location = try #require(response.headers.first(name: .location))
        #expect(location.hasSuffix("?enregistree=1"))
        let number = String(location.dropFirst("/interventions/".count).prefix { $0 != "?" })
        return (number, try await browser.send(.GET, location).body.string)
    }

    /// The issue's scenario, end to end: the directorate plans paving on route 132 in
    /// Rivière-du-Loup; the town plans a sewer replacement on the same street a month earlier; both
    /// see the opportunity on their portal and by mail; the town marks it coordinated; the journal
    /// has every step; another municipality sees neither internal work.
    @Test func aSewerJobAndAPavingJobOnRoute132BecomeAnOpportunityBothOwnersFollow() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("analyste@dgt-est.test", on: app, roles: [(Self.directorate, .analyst)])
            try await IdentityFixtures.person("rse@riviere-du-loup.test", on: app, roles: [(Self.town, .rse)])
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [(Self.other, .rse)])
            let ministry = Browser(app), town = Browser(app), abercorn = Browser(app)
            try await ministry.signIn("analyste@dgt-est.test")
            try await town.signIn("rse@riviere-du-loup.test")
            try await abercorn.signIn("rse@abercorn.test")

            let paving = try await work(ministry, owner: Self.directorate, [
                "titre": "Pavage de la route 132", "genre": "paving", "statut": "scheduled", "visibilite": "internal",
                "geometrie": Self.route132, "debut": "2027-07-05", "fin": "2027-07-16", "municipalite": "12072",
                "voies": "Route 132\nRue Lafontaine", "rtss": "00132-02-110-000C", "etat_chaussee": "singleLaneAlternating",
            ])
            #expect(paving.page.contains("Intervention enregistrée"))
            #expect(paving.page.contains("Aucune autre intervention"))

            let sewer = try await work(town, owner: Self.town, [
                "titre": "Remplacement de l'égout, rue Lafontaine", "genre": "waterSewer", "visibilite": "internal",
                "geometrie": Self.sameStreet, "debut": "2027-06-01", "fin": "2027-06-04", "voies": "Rue Lafontaine",
                "etat_chaussee": "closed", "detour": "Par la rue Fraser",
            ])
            // The confirmation page shows the pair at once.
            #expect(sewer.page.contains("Occasion de travaux conjoints"))
            #expect(sewer.page.contains(paving.number))
            let sewerModel = try #require(try await InterventionModel.query(on: app.db).filter(\.$number == sewer.number).first())
            #expect(sewerModel.category == "major") // a closure and a detour
            #expect(sewerModel.municipalityCode == "12072" && sewerModel.regionCode == "01")

            let pair = try #require(try await WorkPairModel.query(on: app.db).first())
            #expect(pair.kind == "opportunity" && pair.status == "new")
            #expect(pair.gapDays == 30) // June 5 to July 5
            // Both portals list it; both owners were told by mail.
            for browser in [ministry, town] {
                let page = try await browser.send(.GET, "/interventions/paires").body.string
                #expect(page.contains(sewer.number) && page.contains(paving.number))
                let portal = try await browser.send(.GET, "/accueil").body.string
                #expect(portal.contains("/interventions/paires?statut=new"))
            }
            for email in ["analyste@dgt-est.test", "rse@riviere-du-loup.test"] {
                let mail = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == email)
                    .filter(\.$kind == "works_opportunity").first())
                #expect(mail.body.contains("/interventions/paires/\(pair.id!.uuidString)"))
                #expect(mail.body.contains("30 jours"))
            }
            #expect(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "rse@abercorn.test").count() == 0)

            // The town marks it coordinated.
            let path = "/interventions/paires/\(pair.id!.uuidString)"
            let csrf = try await town.csrf(at: path)
            let marked = try await town.send(.POST, path + "/statut", form: ["statut": "coordinated", "version": "1", "_csrf": csrf])
            #expect(marked.status == .seeOther)
            // Dismissing needs a reason; an old version is refused.
            let stale = try await town.send(.POST, path + "/statut", form: ["statut": "dismissed", "motif": "x", "version": "1", "_csrf": csrf])
            #expect(stale.status == .conflict)
            let refreshed = try #require(try await WorkPairModel.find(pair.id, on: app.db))
            #expect(refreshed.status == "coordinated" && refreshed.version == 2)
            #expect(try await town.send(.POST, path + "/commentaires", form: ["commentaire": "Chantier commun confirmé", "_csrf": csrf])
                .status == .seeOther)
            #expect(try await ministry.send(.GET, path).body.string.contains("Chantier commun confirmé"))

            // Every page of the module holds to the accessibility rules (labels, headings, captions, no inline code).
            for (browser, page) in [(town, "/interventions"), (town, "/interventions/\(sewer.number)"), (town, "/interventions/paires"),
                                    (town, path), (town, "/organisations/\(Self.town)/interventions/nouvelle"),
                                    (town, "/interventions/\(sewer.number)/modifier"), (Browser(app), "/interventions")] {
                let html = try await browser.send(.GET, page).body.string
                #expect(AccessibilityCheck.problems(in: html) == [], "\(page)")
            }

            // The journal has every step.
            for action in ["works.create", "works.pair.detect", "works.pair.status", "works.pair.comment"] {
                #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == action).count() >= 1, "\(action)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "works.create").count() == 2)

            // Another municipality (and the public) sees neither internal work, nor the pair.
            for browser in [abercorn, Browser(app)] {
                let map = try await browser.send(.GET, "/interventions").body.string
                #expect(!map.contains(sewer.number) && !map.contains(paving.number))
                #expect(try await browser.send(.GET, "/interventions/\(sewer.number)").status == .notFound)
                let api = try await browser.send(.GET, "/api/v1/interventions").body.string
                #expect(!api.contains(sewer.number))
                let geojson = try await browser.send(.GET, "/interventions.geojson").body.string
                #expect(!geojson.contains(paving.number))
            }
            #expect(try await abercorn.send(.GET, path).status == .notFound)
            #expect(try await abercorn.send(.GET, "/interventions/paires").body.string.contains(sewer.number) == false)
            // Abercorn cannot change the town's work; the town cannot change the ministry's.
            #expect(try await abercorn.send(.GET, "/interventions/\(sewer.number)/modifier").status == .forbidden)
            #expect(try await town.send(.GET, "/interventions/\(paving.number)/modifier").status == .forbidden)
            // The town reads the directorate's internal work through the pair they share.
            #expect(try await town.send(.GET, "/interventions/\(paving.number)").status == .ok)
        }
    }

    /// Moving a work away clears its pair (kept with its history), moving it back restores it;
    /// the live index follows every save.
    @Test func anEditThatMovesAWorkAwayClearsItsPairAndAStaleEditIsRefused() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@riviere-du-loup.test", on: app, roles: [(Self.town, .rse)])
            let town = Browser(app)
            try await town.signIn("rse@riviere-du-loup.test")
            let a = try await work(town, owner: Self.town, ["titre": "A", "geometrie": Self.route132, "debut": "2027-06-01", "fin": "2027-06-30"])
            let b = try await work(town, owner: Self.town, ["titre": "B", "latitude": "47,8320", "longitude": "-69,5370",
                                                             "debut": "2027-06-10", "fin": "2027-06-12"])
            #expect(b.page.contains("Conflit"))
            #expect(try await WorkPairModel.query(on: app.db).filter(\.$kind == "conflict").count() == 1)
            let edit = "/interventions/\(b.number)"
            let csrf = try await town.csrf(at: edit + "/modifier")
            // The form posts what the input reads: a verified start is kept.
            let formPage = try await town.send(.GET, edit + "/modifier").body.string
            #expect(formPage.contains(#"name="debut_verifie""#) && formPage.contains(#"name="fin_verifie""#))
            let away = ["titre": "B", "latitude": "47,8400", "longitude": "-69,5370", "debut": "2027-06-10", "fin": "2027-06-12",
                        "debut_verifie": "1", "version": "1", "_csrf": csrf]
            #expect(try await town.send(.POST, edit, form: away).status == .seeOther)
            #expect(try await WorkPairModel.query(on: app.db).filter(\.$active == true).count() == 0)
            #expect(try await WorkPairModel.query(on: app.db).count() == 1) // kept, inactive
            #expect(try await InterventionModel.query(on: app.db).filter(\.$number == b.number).first()?.startVerified == true)
            // The same version again: someone saved in between.
            let stale = try await town.send(.POST, edit, form: away)
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Quelqu'un a enregistré"))
            var back = away
            back["latitude"] = "47,8320"
            back["version"] = "2"
            #expect(try await town.send(.POST, edit, form: back).status == .seeOther)
            #expect(try await WorkPairModel.query(on: app.db).filter(\.$active == true).count() == 1)
            #expect(app.worksDetection.count == 2)
            _ = a
        }
    }

    @Test func badInputIsNamedFieldByFieldAndKeepsWhatWasTyped() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@riviere-du-loup.test", on: app, roles: [(Self.town, .rse)])
            let town = Browser(app)
            try await town.signIn("rse@riviere-du-loup.test")
            let csrf = try await town.csrf(at: "/organisations/\(Self.town)/interventions/nouvelle")
            let response = try await town.send(.POST, "/organisations/\(Self.town)/interventions", form: [
                "titre": "Réfection", "geometrie": #"{"type":"Point","coordinates":[2.35,48.85]}"#, "debut": "2027-06-09",
                "fin": "2027-06-01", "genre": "volcano", "_csrf": csrf,
            ])
            #expect(response.status == .unprocessableEntity)
            let page = response.body.string
            #expect(page.contains("hors du Québec"))
            #expect(page.contains("La fin doit venir après le début"))
            #expect(page.contains("Choisissez un genre"))
            #expect(page.contains("Réfection")) // kept
            #expect(try await InterventionModel.query(on: app.db).count() == 0)
        }
    }

    /// The API: a token with `works:write` creates a work of its organisation and changes it with
    /// its version; errors are named by field; the kinds are listed.
    @Test func aSystemCreatesAndChangesAWorkThroughTheAPI() async throws {
        try await withPasserelle { app in
            let secret = try await Open311Tests.token(app, email: "si@riviere-du-loup.test", organisation: Self.town, scope: "works:write",
                                                     role: .contributor(.works))
            let auth: HTTPHeaders = ["Authorization": "Bearer \(secret)", "Content-Type": "application/json"]
            let body = #"{"titre":"Réfection du trottoir","genre":"reconstruction","visibilite":"public","geometrie":\#(Self.route132),"debut":"2027-08-02T07:00:00-04:00","fin":"2027-08-06T19:00:00-04:00","voies":["Rue Lafontaine"],"id_externe":"GIS-17"}"#
            // The public map's answer is kept between changes: asked once before the work exists…
            #expect(!(try await app.testing().sendRequest(.GET, "/interventions.geojson").body.string.contains("Réfection du trottoir")))
            let created = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.town)/interventions", headers: auth,
                                                              body: ByteBuffer(string: body))
            #expect(created.status == .created, "\(created.body.string)")
            let dto = try JSONDecoder().decode([String: JSONValueForTests].self, from: Data(created.body.string.utf8))
            let number = try #require(dto["numero"]?.string)
            #expect(dto["debut"]?.string == "2027-08-02T11:00:00Z")
            #expect(dto["municipalite"]?.string == "12072")
            #expect(dto["geometrie"] != nil)
            // …and again after: the save moved what it is kept by.
            #expect(try await app.testing().sendRequest(.GET, "/interventions.geojson").body.string.contains("Réfection du trottoir"))
            // Public: anyone reads it, in the list, the GeoJSON, Open511 and WZDx.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/interventions/\(number)").status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/open511/events?format=json").body.string.contains(number))
            #expect(try await app.testing().sendRequest(.GET, "/wzdx/v4.2/feed.geojson").body.string.contains(number))
            // A change with an old version: 409; without a title: 422 named `titre`.
            let changed = body.replacingOccurrences(of: "\"titre\":\"Réfection du trottoir\"", with: "\"titre\":\"Trottoir\",\"version\":1")
            #expect(try await app.testing().sendRequest(.PUT, "/api/v1/interventions/\(number)", headers: auth,
                                                        body: ByteBuffer(string: changed)).status == .ok)
            let map = try await app.testing().sendRequest(.GET, "/interventions.geojson").body.string
            #expect(map.contains("\"Trottoir\"") && !map.contains("Réfection du trottoir"))
            #expect(try await app.testing().sendRequest(.PUT, "/api/v1/interventions/\(number)", headers: auth,
                                                        body: ByteBuffer(string: changed)).status == .conflict)
            let untitled = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.town)/interventions", headers: auth,
                                                               body: ByteBuffer(string: body.replacingOccurrences(of: "Réfection du trottoir", with: "")))
            #expect(untitled.status == .unprocessableEntity)
            #expect(untitled.body.string.contains("\"titre\""))
            // Another organisation's path is refused to the token.
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.other)/interventions", headers: auth,
                                                        body: ByteBuffer(string: body)).status == .forbidden)
            // The most specific route answers, as the router chooses: no PUT on the list of kinds.
            let options = try await app.testing().sendRequest(.OPTIONS, "/api/v1/interventions/genres")
            #expect(options.status == .methodNotAllowed && options.headers.first(name: .allow) == "GET, HEAD")
            let kinds = try await app.testing().sendRequest(.GET, "/api/v1/interventions/genres").body.string
            #expect(kinds.contains("\"waterSewer\"") && kinds.contains("Aqueduc et égout"))
        }
    }
}

/// A loose JSON value for reading answers in tests.
enum JSONValueForTests: Decodable {
    case string(String), number(Double), bool(Bool), object([String: JSONValueForTests]), array([JSONValueForTests]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let a = try? c.decode([JSONValueForTests].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValueForTests].self)) }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
}
