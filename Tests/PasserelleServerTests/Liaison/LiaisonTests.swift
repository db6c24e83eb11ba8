import Fluent
import Foundation
import PasserelleCore
@testable import PasserelleServer
import Testing
import Vapor
import VaporTesting

/// The liaison network, the territorial business cards, the meetings and their calendars, and
/// the interministerial network.
@Suite struct LiaisonTests {
    static let rdl = "mun-12072"

    /// People of the network, with names of their own.
    static func people(_ app: Application) async throws -> (admin: Browser, agents: [String: UUID]) {
        try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
        var agents: [String: UUID] = [:]
        for (email, name) in [("emile@mtmd.test", "Émile Tremblay"), ("lea@mtmd.test", "Léa Bouchard"),
                              ("zoe@mtmd.test", "Zoé Gagnon")] {
            let person = try await IdentityFixtures.person(email, on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            person.displayName = name
            try await person.save(on: app.db)
            agents[email] = try person.requireID()
        }
        let admin = Browser(app)
        try await admin.signIn("admin@mtmd.test")
        return (admin, agents)
    }

    static func setLine(_ admin: Browser, scope: String, code: String, agent: UUID?, backup: UUID?) async throws -> TestingHTTPResponse {
        let page = try await admin.send(.GET, "/reseau-liaison")
        let csrf = try #require(Browser.csrf(in: page.body.string))
        return try await admin.send(.POST, "/reseau-liaison/couverture", form: [
            "_csrf": csrf, "scope": scope, "code": code, "agent": agent?.uuidString ?? "", "backup": backup?.uuidString ?? ""])
    }

    @Test func theCardNamesTheAgentBackupAndDirectorateAndFollowsTheNetwork() async throws {
        try await withPasserelle { app in
            let (admin, agents) = try await Self.people(app)
            let emile = try #require(agents["emile@mtmd.test"]), lea = try #require(agents["lea@mtmd.test"])
            let zoe = try #require(agents["zoe@mtmd.test"])
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .reader(.grants))])
            try await IdentityFixtures.person("greffe@rimouski.test", on: app, roles: [("mun-10043", .contributor(.requests))])

            // Bad input: a region that does not exist, the same person twice; what was typed stays.
            let unknown = try await Self.setLine(admin, scope: "region", code: "42", agent: emile, backup: lea)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.string.contains("#champ-code") && unknown.body.string.contains(#"value="42""#))
            let same = try await Self.setLine(admin, scope: "mrc", code: "120", agent: emile, backup: emile)
            #expect(same.status == .unprocessableEntity && same.body.string.contains("#champ-backup"))
            #expect(try await CoverageModel.query(on: app.db).count() == 0)

            // Bas-Saint-Laurent: Émile, backed up by Léa.
            #expect(try await Self.setLine(admin, scope: "region", code: "01", agent: emile, backup: lea).status == .seeOther)
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let card = try await clerk.send(.GET, "/organisations/\(Self.rdl)/carte")
            #expect(card.status == .ok)
            #expect(AccessibilityCheck.problems(in: card.body.string).isEmpty)
            let text = card.body.string
            #expect(text.contains("Émile Tremblay") && text.contains("Léa Bouchard"))
            #expect(text.contains("Direction générale territoriale de l&#39;Est") || text.contains("Direction générale territoriale de l'Est"))
            #expect(text.contains("bcam@passerelle.example"))
            // On the municipal user's home too, even with no role in the requests service.
            let home = try await clerk.send(.GET, "/accueil").body.string
            #expect(home.contains("Émile Tremblay") && home.contains("/organisations/\(Self.rdl)/carte.vcf"))
            // Another municipality's people do not open it.
            let other = Browser(app)
            try await other.signIn("greffe@rimouski.test")
            #expect(try await other.send(.GET, "/organisations/\(Self.rdl)/carte").status == .forbidden)
            #expect(try await other.send(.GET, "/organisations/\(Self.rdl)/carte.vcf").status == .forbidden)
            // The same card for the municipality's systems, and the network for the ministry's.
            let points = try await clerk.send(.GET, "/api/v1/organisations/\(Self.rdl)/portes-entree")
            #expect(points.status == .ok)
            #expect(OpenAPICheck.problems(Data(points.body.readableBytesView), against: "EntryPoints") == [])
            let entry = try JSONDecoder().decode(LiaisonAPI.EntryPointsDTO.self, from: Data(points.body.readableBytesView))
            #expect(entry.agent?.nom == "Émile Tremblay" && entry.remplacant?.nom == "Léa Bouchard" && entry.couverture == "region")
            #expect(entry.bcam.courriel == "bcam@passerelle.example" && entry.direction?.code.hasPrefix("unite-dgt") == true)
            #expect(try await other.send(.GET, "/api/v1/organisations/\(Self.rdl)/portes-entree").status == .forbidden)
            let network = try await admin.send(.GET, "/api/v1/reseau-liaison")
            #expect(OpenAPICheck.problems(Data(network.body.readableBytesView), againstListOf: "LiaisonLine") == [])
            let lines = try JSONDecoder().decode([LiaisonAPI.LineDTO].self, from: Data(network.body.readableBytesView))
            #expect(lines.map { "\($0.portee) \($0.code) \($0.agent?.nom ?? "")" } == ["region 01 Émile Tremblay"])
            #expect(lines.first?.territoire == "Bas-Saint-Laurent (01)")
            #expect(try await clerk.send(.GET, "/api/v1/reseau-liaison").status == .forbidden)

            // The MRC of Rivière-du-Loup gets Zoé: every card of the MRC changes at once, not Rimouski's.
            #expect(try await Self.setLine(admin, scope: "mrc", code: "120", agent: zoe, backup: nil).status == .seeOther)
            let after = try await clerk.send(.GET, "/organisations/\(Self.rdl)/carte").body.string
            #expect(after.contains("Zoé Gagnon") && !after.contains("Émile Tremblay") && !after.contains("Léa Bouchard"))
            let rimouski = try await other.send(.GET, "/organisations/mun-10043/carte").body.string
            #expect(rimouski.contains("Émile Tremblay"))
            let region = try await admin.send(.GET, "/reseau-liaison/cartes?region=01").body.string
            #expect(region.contains("Saint-Cyprien") && region.contains("Zoé Gagnon") && region.contains("Émile Tremblay"))
            #expect(AccessibilityCheck.problems(in: region).isEmpty)

            // The vCard: one card per entry point, CRLF, folded lines, escaped text.
            try await admin.send(.GET, "/reseau-liaison/agents/\(zoe.uuidString)")
            let agentPage = try await admin.send(.GET, "/reseau-liaison/agents/\(zoe.uuidString)")
            let csrf = try #require(Browser.csrf(in: agentPage.body.string))
            let badPhone = try await admin.send(.POST, "/reseau-liaison/agents/\(zoe.uuidString)/coordonnees",
                                                form: ["_csrf": csrf, "phone": "appelez-moi", "title": "Agente"])
            #expect(badPhone.status == .unprocessableEntity && badPhone.body.string.contains("appelez-moi"))
            #expect(try await admin.send(.POST, "/reseau-liaison/agents/\(zoe.uuidString)/coordonnees",
                                         form: ["_csrf": csrf, "phone": "418 555-0199, poste 12",
                                                "title": "Agente de liaison; Bas-Saint-Laurent, MRC de Rivière-du-Loup"]).status == .seeOther)
            let vcf = try await clerk.send(.GET, "/organisations/\(Self.rdl)/carte.vcf")
            #expect(vcf.headers.contentType?.description.hasPrefix("text/vcard") == true)
            let body = vcf.body.string
            #expect(body.components(separatedBy: "BEGIN:VCARD\r\n").count - 1 == 3) // agent, directorate, BCAM
            #expect(body.contains("FN:Zoé Gagnon\r\n") && body.contains("N:Gagnon;Zoé;;;\r\n"))
            #expect(body.contains("TEL;TYPE=WORK,VOICE:418 555-0199\\, poste 12"))
            #expect(body.contains("TITLE:Agente de liaison\\; Bas-Saint-Laurent\\, MRC de Rivière-du-Loup"))
            #expect(body.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            #expect(!body.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            try PythonCheck.run("vcard", input: body, expect: ["Zoé Gagnon", "Direction générale territoriale de l'Est"])

            // Every change is in the journal.
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$action ~~ ["network.coverage.create", "network.agent.update"])
                .all().map(\.action)
            #expect(actions.sorted() == ["network.agent.update", "network.coverage.create", "network.coverage.create"])
            let verified = try await Audit.verify(on: app.db)
            #expect((try? verified.get()) != nil)
        }
    }

    @Test func meetingsFollowUpsBecomeRequestsAndCalendarsAreSubscribed() async throws {
        try await withPasserelle { app in
            let (admin, agents) = try await Self.people(app)
            let emile = try #require(agents["emile@mtmd.test"])
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let agent = Browser(app)
            try await agent.signIn("emile@mtmd.test")
            let page = try await agent.send(.GET, "/reseau-liaison/rencontres?mois=2026-12")
            #expect(page.status == .ok)
            #expect(AccessibilityCheck.problems(in: page.body.string).isEmpty)
            let csrf = try #require(Browser.csrf(in: page.body.string))
            var form = ["_csrf": csrf, "organisation": "Rivière-du-Loup", "agent_id": emile.uuidString, "date": "2026-12-08",
                        "time": "25:00", "minutes": "90", "place": "Hôtel de ville", "subject": "Sécurité de la route 185",
                        "participants": "Mme Roy, directrice générale", "notes": "Vitesse élevée près de l'école."]
            let bad = try await agent.send(.POST, "/reseau-liaison/rencontres", form: form)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("#champ-time"))
            #expect(bad.body.string.contains("Sécurité de la route 185"))
            form["time"] = "13:30"
            let made = try await agent.send(.POST, "/reseau-liaison/rencontres", form: form)
            #expect(made.status == .seeOther)
            let location = try #require(made.headers.first(name: .location))
            let meeting = try #require(try await MeetingModel.query(on: app.db).first())
            // 13 h 30 in Québec on December 8 (standard time, UTC−5).
            #expect(meeting.startsAt == ISO8601DateFormatter().date(from: "2026-12-08T18:30:00Z"))
            let month = try await agent.send(.GET, "/reseau-liaison/rencontres?mois=2026-12&region=01").body.string
            #expect(month.contains("Sécurité de la route 185") && month.contains("13\u{00A0}h\u{00A0}30"))
            #expect(!(try await agent.send(.GET, "/reseau-liaison/rencontres?mois=2026-12&region=06").body.string
                .contains("Sécurité de la route 185")))

            // A follow-up, then a request of the municipality made of it.
            let shown = try await agent.send(.GET, location)
            let meetingCSRF = try #require(Browser.csrf(in: shown.body.string))
            #expect(try await agent.send(.POST, location + "/suivis", form: ["_csrf": meetingCSRF, "text": ""]).status == .unprocessableEntity)
            #expect(try await agent.send(.POST, location + "/suivis",
                                         form: ["_csrf": meetingCSRF, "text": "Étudier une zone scolaire sur la 185"]).status == .seeOther)
            let followUp = try #require(try await FollowUpModel.query(on: app.db).first())
            let filed = try await agent.send(.POST, location + "/suivis/\(followUp.id!.uuidString)/demande",
                                             form: ["_csrf": meetingCSRF, "type": "apaisement-circulation"])
            #expect(filed.status == .seeOther)
            let request = try #require(try await RequestModel.query(on: app.db).with(\.$organisation).first())
            #expect(request.organisation.code == Self.rdl && request.title == "Étudier une zone scolaire sur la 185")
            #expect(try await FollowUpModel.find(followUp.id, on: app.db)?.requestNumber == request.number)
            // Twice is once.
            let again = try await agent.send(.POST, location + "/suivis/\(followUp.id!.uuidString)/demande",
                                             form: ["_csrf": meetingCSRF, "type": "apaisement-circulation"])
            #expect(again.status == .conflict)
            #expect(try await RequestModel.query(on: app.db).count() == 1)
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            #expect(try await clerk.send(.GET, "/demandes/\(request.number)").status == .ok)
            // Meetings are the ministry's: the municipality does not read them.
            #expect(try await clerk.send(.GET, location).status == .forbidden)

            // A subscription address, shown once, read without signing in; a wrong one is not found.
            let subscribed = try await agent.send(.POST, "/reseau-liaison/abonnements",
                                                  form: ["_csrf": csrf, "calendar": "agent:\(emile.uuidString)"])
            #expect(subscribed.status == .ok)
            let url = try #require(AccessibilityCheck.matches(#"(/calendriers/[A-Za-z0-9_-]+)"#, in: subscribed.body.string).first)
            let feed = try await Browser(app).send(.GET, url)
            #expect(feed.status == .ok && feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let ics = feed.body.string
            #expect(ics.contains("BEGIN:VEVENT\r\n") && ics.contains("DTSTART;TZID=America/Toronto:20261208T133000\r\n"))
            #expect(ics.contains("DTEND;TZID=America/Toronto:20261208T150000\r\n"))
            #expect(ics.contains("SUMMARY:Rivière-du-Loup — Sécurité de la route 185"))
            #expect(ics.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            try PythonCheck.run("ics", input: ics, expect: ["Sécurité de la route 185"])
            #expect(try await Browser(app).send(.GET, "/calendriers/inconnu").status == .notFound)
            #expect(try await CalendarFeedModel.query(on: app.db).first()?.tokenHash.count == 64)
            _ = admin
        }
    }

    @Test func theInterministerialNetworkIsFilteredBySubject() async throws {
        try await withPasserelle { app in
            let (admin, _) = try await Self.people(app)
            let page = try await admin.send(.GET, "/reseau-liaison/partenaires")
            let csrf = try #require(Browser.csrf(in: page.body.string))
            let bad = try await admin.send(.POST, "/reseau-liaison/partenaires", form: [
                "_csrf": csrf, "organisation": "partenaire-mamh", "name": "Julie Côté", "email": "", "phone": "", "subjects": "habitation"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("#champ-email") && bad.body.string.contains("Julie Côté"))
            for (name, subjects) in [("Julie Côté", "Habitation, aménagement du territoire"), ("Marc Lévesque", "Finances municipales")] {
                #expect(try await admin.send(.POST, "/reseau-liaison/partenaires", form: [
                    "_csrf": csrf, "organisation": "partenaire-mamh", "name": name, "title": "Conseiller",
                    "email": "\(name.prefix(4).lowercased())@mamh.example", "phone": "", "subjects": subjects]).status == .seeOther)
            }
            let filtered = try await admin.send(.GET, "/reseau-liaison/partenaires?sujet=amenagement").body.string
            #expect(filtered.contains("Julie Côté") && !filtered.contains("Marc Lévesque"))
            #expect(AccessibilityCheck.problems(in: filtered).isEmpty)
            let agent = Browser(app)
            try await agent.signIn("emile@mtmd.test")
            let read = try await agent.send(.GET, "/reseau-liaison/partenaires")
            #expect(read.status == .ok && read.body.string.contains("Marc Lévesque") && !read.body.string.contains("Ajouter le contact"))
        }
    }
}
