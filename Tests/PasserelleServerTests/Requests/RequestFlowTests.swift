import Fluent
import SQLKit
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct RequestFlowTests {
    static let rdl = "mun-12072"

    /// The request's page, its version, and the CSRF token of the person looking at it.
    func page(_ browser: Browser, _ number: String) async throws -> (html: String, version: String, csrf: String) {
        let html = try await browser.send(.GET, "/demandes/\(number)").body.string
        let version = try #require(AccessibilityCheck.matches(#"name="version" value="(\d+)""#, in: html).first)
        return (html, version, try #require(Browser.csrf(in: html)))
    }

    func act(_ browser: Browser, _ number: String, _ event: RequestEvent, _ extra: [String: String] = [:]) async throws
        -> TestingHTTPResponse {
        let (_, version, csrf) = try await page(browser, number)
        return try await browser.send(.POST, "/demandes/\(number)/evenements",
                                      form: ["event": event.rawValue, "version": version, "_csrf": csrf].merging(extra) { $1 })
    }

    @Test func aSignageRequestFromFilingToClosing() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [("mun-46005", .rse)])

            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            #expect(try await clerk.send(.GET, "/demandes/nouvelle").headers.first(name: .location)
                == "/organisations/\(Self.rdl)/demandes/nouvelle")
            // First the kind of request, on a page of its own; then the form for that kind.
            let chooser = try await clerk.send(.GET, "/organisations/\(Self.rdl)/demandes/nouvelle")
            #expect(chooser.status == .ok)
            #expect(AccessibilityCheck.problems(in: chooser.body.string).isEmpty)
            #expect(chooser.body.string.contains(#"value="signalisation""#))
            let form = try await clerk.send(.GET, "/organisations/\(Self.rdl)/demandes/nouvelle?type=signalisation")
            #expect(form.status == .ok)
            #expect(AccessibilityCheck.problems(in: form.body.string).isEmpty)
            #expect(form.body.string.contains(#"name="champ_nature""#))
            let csrf = try #require(Browser.csrf(in: form.body.string))
            var fields = ["type": "signalisation", "title": "Panneau d'arrêt rue Lafontaine",
                          "description": "Le panneau est caché par un arbre depuis le printemps.", "_csrf": csrf,
                          "champ_nature": "modification", "champ_element": "Panneau d'arrêt"]

            // The resolution is required for signage: refused field by field, what was typed kept.
            let missing = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: fields)
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("#champ-resolution_number"))
            let kept = missing.body.string
            #expect(kept.contains("Panneau d&#39;arrêt rue Lafontaine") || kept.contains("Panneau d'arrêt rue Lafontaine"))
            #expect(try await RequestModel.query(on: app.db).count() == 0)

            fields["resolution_number"] = "2026-11-245"
            fields["resolution_date"] = "2026-11-03"
            let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: fields)
            #expect(filed.status == .created)
            let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            #expect(number.hasSuffix("-000001"))
            let model = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).with(\.$unit).first())
            #expect(model.unit.code == "unite-bcam")

            // The BCAM triages it and routes it to the directorate's agent.
            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            #expect(try await act(coordination, number, .startTriage).status == .seeOther)
            #expect(try await act(coordination, number, .assign, ["assignee": "agent.est@mtmd.test"]).status == .seeOther)
            let routed = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).with(\.$unit).first())
            #expect(routed.unit.code == "unite-dgt-est")
            #expect(routed.status == .assigned)

            // The agent asks for a document: the clock stops; the municipality answers: it runs again.
            let agent = Browser(app)
            try await agent.signIn("agent.est@mtmd.test")
            #expect(try await act(agent, number, .startAnalysis).status == .seeOther)
            #expect(try await act(agent, number, .askMunicipality, ["note": "Pouvez-vous joindre une photo?"]).status == .seeOther)
            let waiting = try await clerk.send(.GET, "/demandes/\(number)")
            #expect(waiting.body.string.contains("Pouvez-vous joindre une photo?"))
            #expect(waiting.body.string.contains("En attente de la municipalité"))
            // Each stage against its own target (signage: 20 working days, 3 of them for triage).
            #expect(waiting.body.string.contains("Triage : 0 jour(s) ouvrable(s) sur 3"))
            #expect(waiting.body.string.contains("Analyse : 0 jour(s) ouvrable(s) sur 17"))
            // The municipality cannot answer its own request.
            let illegal = try await act(clerk, number, .answer)
            #expect(illegal.status == .unprocessableEntity)
            #expect(try await act(clerk, number, .municipalityReplies, ["note": "Voici la photo."]).status == .seeOther)

            // An internal note stays inside the ministry.
            let (_, _, agentCSRF) = try await page(agent, number)
            #expect(try await agent.send(.POST, "/demandes/\(number)/messages",
                                         form: ["body": "Vérifier avec l'entretien.", "kind": "note", "_csrf": agentCSRF])
                .status == .seeOther)
            #expect(!(try await clerk.send(.GET, "/demandes/\(number)").body.string.contains("Vérifier avec l'entretien")))
            let agentView = try await agent.send(.GET, "/demandes/\(number)").body.string
            #expect(agentView.contains("Vérifier avec l&#39;entretien") || agentView.contains("Vérifier avec l'entretien"))

            // A stale edit: the version the page was read at is gone.
            let (_, oldVersion, staleCSRF) = try await page(agent, number)
            #expect(try await act(agent, number, .answer, ["note": "Le panneau sera déplacé d'ici deux semaines."]).status
                == .seeOther)
            let stale = try await agent.send(.POST, "/demandes/\(number)/evenements",
                                             form: ["event": "close", "version": oldVersion, "_csrf": staleCSRF,
                                                    "note": "Texte à garder"])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Texte à garder"))
            #expect(try await act(clerk, number, .close).status == .seeOther)
            let closed = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).first())
            #expect(closed.status == .closed)

            // The municipality rates it, once.
            let closedPage = try await clerk.send(.GET, "/demandes/\(number)").body.string
            #expect(closedPage.contains("name=\"rating\""))
            let rateCSRF = try #require(Browser.csrf(in: closedPage))
            #expect(try await clerk.send(.POST, "/demandes/\(number)/evaluation", form: ["rating": "9", "_csrf": rateCSRF]).status
                == .unprocessableEntity)
            #expect(try await clerk.send(.POST, "/demandes/\(number)/evaluation", form: ["rating": "4", "_csrf": rateCSRF]).status
                == .seeOther)
            #expect(try await clerk.send(.POST, "/demandes/\(number)/evaluation", form: ["rating": "5", "_csrf": rateCSRF]).status
                == .conflict)
            #expect(try await RequestModel.query(on: app.db).filter(\.$number == number).first()?.rating == 4)

            // The capacity counters followed it: filed, answered on time (same day), out, rated; and the
            // backlog counted it while it waited in the BCAM then the directorate, and no more.
            let today = app.today
            let counted = try await CapacityQueries.figures(from: today, to: today, unit: nil, backlog: true, today: today, language: .frCA,
                                                     on: app.db)
            #expect(counted.filed == 1 && counted.closed == 1 && counted.onTime == .init(onTime: 1, total: 1))
            #expect(counted.ratings == [4: 1] && counted.backlog == [0, 0, 0, 0] && counted.medianAnswerDays == 0)
            let est = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == "unite-dgt-est").first()?.id)
            #expect(try await CapacityQueries.figures(from: today, to: today, unit: est, backlog: false, today: today, language: .frCA,
                                               on: app.db).onTime.total == 1)

            // Every step is in the journal, and the chain holds.
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$recordType == "request")
                .filter(\.$recordID == number).sort(\.$sequence).all().map(\.action)
            #expect(actions.filter { $0 != "requests.message" && $0 != "requests.note" } == [
                "requests.file", "requests.startTriage", "requests.assign", "requests.startAnalysis",
                "requests.askMunicipality", "requests.municipalityReplies", "requests.answer", "requests.close", "requests.rate"])
            let steps = try await RequestStepModel.query(on: app.db).filter(\.$request.$id == closed.requireID()).count()
            #expect(steps == 8)
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))

            // Another municipality sees none of it.
            let other = Browser(app)
            try await other.signIn("rse@abercorn.test")
            #expect(try await other.send(.GET, "/demandes/\(number)").status == .forbidden)
            #expect(try await other.send(.GET, "/api/v1/demandes/\(number)").status == .forbidden)
            #expect(!(try await other.send(.GET, "/demandes?q=lafontaine").body.string.contains(number)))
            #expect(!(try await other.send(.GET, "/api/v1/demandes").body.string.contains(number)))
            #expect(try await clerk.send(.GET, "/demandes?q=LAFONTAINE").body.string.contains(number))
            #expect(try await clerk.send(.GET, "/api/v1/demandes").body.string.contains(number))

            // Full-text search: every word, as a prefix, without accents or case; internal notes only
            // for the ministry.
            #expect(try await clerk.send(.GET, "/demandes?q=arret%20LAFONT").body.string.contains(number))
            #expect(try await clerk.send(.GET, "/demandes?q=\(number)").body.string.contains(number))
            #expect(!(try await clerk.send(.GET, "/demandes?q=arret%20inexistant").body.string.contains(number)))
            #expect(!(try await clerk.send(.GET, "/demandes?q=entretien").body.string.contains(number)))
            #expect(try await agent.send(.GET, "/demandes?q=entretien").body.string.contains(number))
            #expect(try await clerk.send(.GET, "/demandes?q=%22*%20OR%20(").status == .ok)
        }
    }

    /// The expected answer date counts Québec public-service working days end to end: across Easter
    /// 2027 (Good Friday and Easter Monday) and across June 24 and July 1 2028, both on a Saturday and
    /// observed on the Friday before. The expected dates are counted here by hand.
    @Test func dueDatesSkipEasterAndTheFeteNationaleOnAWeekend() async throws {
        func byHand(from start: String, days: Int, holidays: Set<String>) -> String {
            var date = try! #require(CalendarDate(iso: start))
            var left = days
            while left > 0 {
                date = date.adding(days: 1)
                if date.weekday < 6 && !holidays.contains(date.iso) { left -= 1 }
            }
            return date.iso
        }
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let cases: [(filed: String, holidays: Set<String>, expected: String, shown: String)] = [
                ("2027-03-24", ["2027-03-26", "2027-03-29"], "2027-04-09", "9 avril 2027"),
                ("2028-06-20", ["2028-06-23", "2028-06-30"], "2028-07-06", "6 juillet 2028"),
            ]
            for item in cases {
                app.today = try #require(CalendarDate(iso: item.filed))
                #expect(byHand(from: item.filed, days: 10, holidays: item.holidays) == item.expected)
                let csrf = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
                let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                    "type": "question-programme", "title": "Échéance", "description": "Délai?", "_csrf": csrf])
                #expect(filed.status == .created)
                let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
                #expect(number.hasPrefix("DM-\(item.filed.prefix(4))-"))
                let model = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).first())
                #expect(model.filedOn == item.filed)
                #expect(model.expectedOn == item.expected)
                // The date as fr-CA writes it (non-breaking spaces inside).
                #expect(filed.body.string.replacingOccurrences(of: "\u{A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
                    .contains("Réponse attendue le \(item.shown)"))
            }
        }
    }

    /// Standard answers: administrators edit the bilingual templates (unknown fields refused, what
    /// was typed kept, every change journaled); staff insert one into a reply, in the request's
    /// language, its fields filled in; a municipality never gets them.
    @Test func standardAnswersAreEditedAndInsertedInTheRequestsLanguage() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let list = try await admin.send(.GET, "/administration/reponses-types")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("accuse-reception"))
            #expect(AccessibilityCheck.problems(in: list.body.string).isEmpty)
            let csrf = try #require(Browser.csrf(in: list.body.string))
            var form = ["code": "refus-hors-emprise", "title_fr": "Hors emprise", "title_en": "Outside the right-of-way",
                        "body_fr": "La demande {numero} vise {lieu}.", "body_en": "Request {numero} is outside.", "active": "1",
                        "_csrf": csrf]
            let refused = try await admin.send(.POST, "/administration/reponses-types", form: form)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("#champ-body_fr") && refused.body.string.contains("lieu"))
            #expect(refused.body.string.contains("Outside the right-of-way"))
            form["body_fr"] = "La demande {numero} de {municipalite} vise un terrain hors de l'emprise du Ministère."
            #expect(try await admin.send(.POST, "/administration/reponses-types", form: form).status == .seeOther)
            form["code"] = "refus-hors-emprise"
            #expect(try await admin.send(.POST, "/administration/reponses-types", form: form).status == .unprocessableEntity)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "answers.create").count() == 1)

            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let filing = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
            let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                "type": "question-programme", "title": "Clôture", "description": "Clôture sur le terrain?", "_csrf": filing])
            let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)

            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            let page = try await coordination.send(.GET, "/demandes/\(number)").body.string
            #expect(page.contains("name=\"modele\"") && page.contains("Hors emprise"))
            let inserted = try await coordination.send(.GET, "/demandes/\(number)?modele=refus-hors-emprise").body.string
            #expect(inserted.contains("La demande \(number) de Rivière-du-Loup vise un terrain hors de l&#39;emprise")
                    || inserted.contains("La demande \(number) de Rivière-du-Loup vise un terrain hors de l'emprise"))
            #expect(try await coordination.send(.GET, "/demandes/\(number)?modele=inconnu").status == .unprocessableEntity)
            // The municipality: no templates, the parameter ignored.
            let clerkPage = try await clerk.send(.GET, "/demandes/\(number)?modele=refus-hors-emprise").body.string
            #expect(!clerkPage.contains("hors de l") && !clerkPage.contains("name=\"modele\""))

            // In English for a request filed in English.
            let model = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).first())
            model.language = "en-CA"
            let answer = try #require(try await StandardAnswerModel.query(on: app.db).filter(\.$code == "accuse-reception").first())
            let english = StandardAnswers.render(answer, for: model, organisation: "Rivière-du-Loup", agent: "Agent")
            #expect(english.hasPrefix("Hello,") && english.contains(number) && !english.contains("{"))
        }
    }

    /// The BCAM's queue: filters (person, due date, type, priority) and bulk assignment, all or none.
    @Test func queuesFilterAndAssignInBulkAllOrNone() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            var numbers: [String] = []
            for title in ["Trottoir rue Principale", "Piste cyclable route 185", "Traverse scolaire"] {
                let csrf = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
                let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                    "type": "question-programme", "title": title, "description": "Admissibilité au programme?", "_csrf": csrf])
                #expect(filed.status == .created)
                numbers.append(try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first))
            }
            // One is overdue (its expected date moved back in the database), one already closed elsewhere.
            let sql = app.db.sql
            try await sql.raw("UPDATE requests SET expected_on = '2020-01-06' WHERE number = \(bind: numbers[0])").run()
            try await sql.raw("UPDATE requests SET status = 'closed' WHERE number = \(bind: numbers[2])").run()

            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            let queue = try await coordination.send(.GET, "/demandes?statut=ouvertes")
            #expect(queue.status == .ok)
            #expect(AccessibilityCheck.problems(in: queue.body.string).isEmpty)
            #expect(queue.body.string.contains("choix-\(numbers[0])"))
            #expect(queue.body.string.contains(#"<a href="/demandes/\#(numbers[0])">\#(numbers[0])</a>"#))
            // The filters' « all » sends an empty value (not its label, which the filter would refuse).
            let all = try #require(AccessibilityCheck.matches(#"<option value="">([^<]*)</option>"#, in: queue.body.string).first)
            #expect(try await coordination.send(.GET, "/demandes?statut=&echeance=&type=").status == .ok)
            #expect(!all.isEmpty)
            let overdue = try await coordination.send(.GET, "/demandes?echeance=retard").body.string
            #expect(overdue.contains(numbers[0]) && !overdue.contains(numbers[1]))
            #expect(try await coordination.send(.GET, "/demandes?echeance=hier").status == .badRequest)
            #expect(try await coordination.send(.GET, "/demandes?priorite=enorme").status == .badRequest)
            #expect(try await coordination.send(.GET, "/demandes?type=question-programme").body.string.contains(numbers[1]))
            #expect(!(try await coordination.send(.GET, "/demandes?type=signalisation").body.string.contains(numbers[1])))

            // All or none: the closed one cannot be assigned, so neither is the other.
            let csrf = try #require(Browser.csrf(in: queue.body.string))
            let refused = try await coordination.send(.POST, "/demandes/attribution", body:
                "numeros[]=\(numbers[1])&numeros[]=\(numbers[2])&assignee=agent.est%40mtmd.test&retour=statut%3Douvertes&_csrf=\(csrf)")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(numbers[2]))
            #expect(refused.body.string.contains(#"value="\#(numbers[1])" form="attribution" checked"#))
            #expect(try await RequestModel.query(on: app.db).filter(\.$number == numbers[1]).first()?.$assignee.id == nil)

            let done = try await coordination.send(.POST, "/demandes/attribution", body:
                "numeros[]=\(numbers[0])&numeros[]=\(numbers[1])&assignee=agent.est%40mtmd.test&retour=statut%3Douvertes&_csrf=\(csrf)")
            #expect(done.status == .ok)
            #expect(done.body.string.contains("2 demande(s) attribuée(s)"))
            let assigned = try await RequestModel.query(on: app.db).filter(\.$number ~~ Array(numbers[0...1])).with(\.$unit).all()
            #expect(assigned.allSatisfy { $0.status == .assigned && $0.unit.code == "unite-dgt-est" })
            let agentQueue = try await coordination.send(.GET, "/demandes?agent=agent.est%40mtmd.test").body.string
            #expect(agentQueue.contains(numbers[0]) && agentQueue.contains(numbers[1]) && !agentQueue.contains(numbers[2]))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "requests.assign").count() == 2)

            // Without the token, or from a municipality: refused.
            #expect(try await coordination.send(.POST, "/demandes/attribution", body:
                "numeros[]=\(numbers[0])&assignee=agent.est%40mtmd.test").status == .forbidden)
            let clerkCSRF = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
            #expect(try await clerk.send(.POST, "/demandes/attribution", body:
                "numeros[]=\(numbers[0])&assignee=agent.est%40mtmd.test&_csrf=\(clerkCSRF)").status == .forbidden)
        }
    }

    /// Each person lands on their own home: a municipality's people see what waits for their answer,
    /// their open requests and the closed ones to rate, never another municipality's; ministry staff
    /// see their queue with what is overdue, and the coordinators what waits for triage.
    @Test func portalHomesShowEachPersonTheirOwn() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("greffe@abercorn.test", on: app, roles: [("mun-46005", .contributor(.requests))])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            func file(_ browser: Browser, _ code: String, _ title: String) async throws -> String {
                let csrf = try await browser.csrf(at: "/organisations/\(code)/demandes/nouvelle?type=question-programme")
                let filed = try await browser.send(.POST, "/organisations/\(code)/demandes", form: [
                    "type": "question-programme", "title": title, "description": "Admissibilité au programme?", "_csrf": csrf])
                return try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            }
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let waiting = try await file(clerk, Self.rdl, "Trottoir rue Principale")
            let open = try await file(clerk, Self.rdl, "Piste cyclable route 185")
            let closed = try await file(clerk, Self.rdl, "Traverse scolaire")
            let neighbour = Browser(app)
            try await neighbour.signIn("greffe@abercorn.test")
            let theirs = try await file(neighbour, "mun-46005", "Ponceau chemin Gendron")
            let agent = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "agent.est@mtmd.test").first())
            let sql = app.db.sql
            try await sql.raw("UPDATE requests SET status = 'awaitingMunicipality' WHERE number = \(bind: waiting)").run()
            try await sql.raw("UPDATE requests SET status = 'closed' WHERE number = \(bind: closed)").run()
            try await sql.raw("""
                UPDATE requests SET status = 'inAnalysis', assignee_id = \(bind: agent.requireID()), expected_on = '2020-01-06'
                WHERE number = \(bind: open)
                """).run()

            let home = try await clerk.send(.GET, "/accueil")
            #expect(home.status == .ok)
            #expect(home.headers.first(name: .cacheControl) == "no-store")
            let html = home.body.string
            #expect(AccessibilityCheck.problems(in: html).isEmpty)
            let awaitingPart = try #require(html.range(of: "À vous de répondre"))
            let openPart = try #require(html.range(of: "Demandes en cours"))
            let ratePart = try #require(html.range(of: "Donnez votre avis"))
            #expect(html[awaitingPart.upperBound..<openPart.lowerBound].contains(waiting))
            #expect(html[openPart.upperBound..<ratePart.lowerBound].contains(open))
            #expect(html[ratePart.upperBound...].contains("/demandes/\(closed)#evaluation"))
            #expect(!html.contains(theirs))
            #expect(!(try await neighbour.send(.GET, "/accueil").body.string.contains(open)))

            // The agent's queue: the one assigned, overdue.
            let agentBrowser = Browser(app)
            try await agentBrowser.signIn("agent.est@mtmd.test")
            let queue = try await agentBrowser.send(.GET, "/accueil").body.string
            #expect(AccessibilityCheck.problems(in: queue).isEmpty)
            #expect(queue.contains(open) && !queue.contains(waiting) && !queue.contains(theirs))
            #expect(queue.contains(#"href="/demandes?moi=1&amp;statut=ouvertes&amp;echeance=retard">1</a>"#)
                || queue.contains(#"href="/demandes?moi=1&statut=ouvertes&echeance=retard">1</a>"#))

            // The coordinator: the new requests waiting for triage in the BCAM (Abercorn's included).
            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            let triage = try await coordination.send(.GET, "/accueil").body.string
            #expect(triage.contains(#"statut=received">1</a>"#))
            // Signing in lands here.
            #expect(try await Browser(app).send(.GET, "/accueil").status == .seeOther)
        }
    }

    /// The guided way: the kind first, then its questions; a draft kept as typed, checked on a page of
    /// its own, changed, refused when stale, then filed with its answers and the file its field asked for.
    /// Drafts are their author's only. Filing at once checks the type's fields just the same.
    @Test func guidedFilingWithTypeFieldsAndADraft() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("dg@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let path = "/organisations/\(Self.rdl)/demandes"
            let form = try await clerk.send(.GET, "/organisations/\(Self.rdl)/demandes/nouvelle?type=travaux-conjoints")
            #expect(AccessibilityCheck.problems(in: form.body.string).isEmpty)
            #expect(form.body.string.contains(#"name="champ_lieu_lat""#) && form.body.string.contains(#"name="champ_plan[]""#))
            let csrf = try #require(Browser.csrf(in: form.body.string))

            // A draft with a title only: kept as typed; its check page says what is missing, and offers no filing.
            let saved = try await clerk.sendMultipart(path, fields: [
                "_csrf": csrf, "type": "travaux-conjoints", "title": "Réfection de la rue Lafontaine", "champ_annee": "deux mille",
                "etape": "brouillon"], files: [])
            #expect(saved.status == .seeOther)
            let draft = try #require(saved.headers.first(name: .location))
            #expect(draft.hasPrefix("/demandes/brouillons/"))
            let incomplete = try await clerk.send(.GET, draft).body.string
            #expect(AccessibilityCheck.problems(in: incomplete).isEmpty)
            #expect(incomplete.contains("Réfection de la rue Lafontaine"))
            #expect(incomplete.contains("Répondez à cette question.") && incomplete.contains("Inscrivez un nombre"))
            #expect(!incomplete.contains("\(draft)/depot"))
            #expect(try await clerk.send(.GET, "/accueil").body.string.contains(draft))
            let colleague = Browser(app)
            try await colleague.signIn("dg@rdl.test")
            #expect(try await colleague.send(.GET, draft).status == .notFound)
            #expect(!(try await colleague.send(.GET, "/accueil").body.string.contains(draft)))

            // Completed through the form again, with the plan its file field asks for.
            let again = try await clerk.send(.GET, draft + "/modifier").body.string
            #expect(again.contains("deux mille"))
            let complete = [
                "_csrf": csrf, "version": "1", "type": "travaux-conjoints", "title": "Réfection de la rue Lafontaine",
                "description": "Nous refaisons l'aqueduc en 2027 sous la route 132.", "champ_travaux_municipaux": "Aqueduc et égout",
                "champ_annee": "2 027", "champ_lieu_lat": "47,8356", "champ_lieu_lon": "-69.5343", "etape": "verifier"]
            let updated = try await clerk.sendMultipart(draft, fields: complete, files: [("champ_plan[]", "plan.pdf", AttachmentTests.pdf)])
            #expect(updated.status == .seeOther)
            let ready = try await clerk.send(.GET, draft).body.string
            #expect(ready.contains("\(draft)/depot") && ready.contains("plan.pdf") && ready.contains("Aqueduc et égout"))
            // The same version again: someone changed it since; what was typed comes back.
            var stale = complete
            stale["title"] = "Titre tapé dans une autre fenêtre"
            let conflict = try await clerk.sendMultipart(draft, fields: stale, files: [])
            #expect(conflict.status == .conflict)
            #expect(conflict.body.string.contains("Titre tapé dans une autre fenêtre"))

            // Filed: its number, its answers, the plan joined to its field, the draft gone, each step journaled.
            let version = try #require(AccessibilityCheck.matches(#"name="version" value="(\d+)""#, in: ready).first)
            let filed = try await clerk.send(.POST, draft + "/depot", form: ["_csrf": csrf, "version": version])
            #expect(filed.status == .created)
            let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            let model = try #require(try await RequestModel.query(on: app.db).filter(\.$number == number).first())
            #expect(model.answers == ["travaux_municipaux": ["Aqueduc et égout"], "annee": ["2027"], "lieu": ["47.8356", "-69.5343"]])
            let attachment = try #require(try await AttachmentModel.query(on: app.db).filter(\.$request.$id == model.requireID()).first())
            #expect(attachment.field == "plan" && attachment.filename == "plan.pdf")
            #expect(try await RequestDraftModel.query(on: app.db).count() == 0)
            #expect(try await clerk.send(.GET, draft).status == .notFound)
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$recordType == "request_draft").sort(\.$sequence).all()
                .map(\.action)
            #expect(actions == ["requests.draft.create", "requests.draft.update", "requests.draft.file"])
            let page = try await clerk.send(.GET, "/demandes/\(number)").body.string
            #expect(page.contains("Précisions") && page.contains("Aqueduc et égout"))
            #expect(try await clerk.send(.GET, "/demandes?q=egout").body.string.contains(number))

            // Filing at once checks the fields too.
            let bad = try await clerk.send(.POST, path, form: [
                "_csrf": csrf, "type": "apaisement-circulation", "title": "Vitesse rue Principale", "description": "Trop vite.",
                "champ_route": "route 132", "champ_vitesse_actuelle": "cinquante", "champ_mesures[]": "teleportation",
                "resolution_number": "2026-11-12", "resolution_date": "2026-11-03"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("#champ-champ_vitesse_actuelle") && bad.body.string.contains("#champ-champ_mesures"))
            #expect(bad.body.string.contains("cinquante"))

            // A kind only MRCs may file is neither offered to a municipality nor accepted from it.
            // (Saved by another instance: this one sees it within a second, here at once.)
            try await app.db.sql.raw("UPDATE request_types SET filers = 'mrc', version = version + 1 WHERE code = 'autre'").run()
            app.requestTypes.forget()
            #expect(!(try await clerk.send(.GET, "/organisations/\(Self.rdl)/demandes/nouvelle").body.string.contains(#"value="autre""#)))
            let refused = try await clerk.send(.POST, path, form: [
                "_csrf": csrf, "type": "autre", "title": "Question", "description": "Une question."])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("ne peut pas être déposé par votre organisation"))
        }
    }

    /// Administrators edit a kind of request and its questions: refused field by field with what was
    /// typed kept, refused when stale, journaled, and the filing form asks the new question at once.
    @Test func administratorsEditTheTypeCatalogAndItsQuestions() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let list = try await admin.send(.GET, "/administration/types-demandes")
            #expect(list.status == .ok)
            #expect(AccessibilityCheck.problems(in: list.body.string).isEmpty)
            #expect(list.body.string.contains("/administration/types-demandes/signalisation"))
            let edit = try await admin.send(.GET, "/administration/types-demandes/signalisation")
            #expect(AccessibilityCheck.problems(in: edit.body.string).isEmpty)
            #expect(edit.body.string.contains(#"value="nature""#))
            let csrf = try #require(Browser.csrf(in: edit.body.string))
            func body(_ pairs: [(String, String)]) -> String {
                pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                    .joined(separator: "&")
            }
            func form(version: String, days: String, options: String, triage: String = "3") -> [(String, String)] {
                [("_csrf", csrf), ("version", version), ("name_fr", "Signalisation"), ("name_en", "Signage"),
                 ("description_fr", "Panneaux, feux et marquage."), ("description_en", "Signs, lights and markings."),
                 ("routing", "bcam"), ("target_days", days), ("triage_days", triage), ("filers[]", "municipality"), ("resolution_required", "1"), ("active", "1"),
                 ("f_code[]", "nature"), ("f_kind[]", "choice"), ("f_label_fr[]", "Nature de la demande"), ("f_label_en[]", "What is asked"),
                 ("f_help_fr[]", ""), ("f_help_en[]", ""), ("f_options[]", options), ("f_required[]", "0"),
                 ("f_code[]", "delai"), ("f_kind[]", "number"), ("f_label_fr[]", "Délai souhaité (jours)"), ("f_label_en[]", "Wanted within (days)"),
                 ("f_help_fr[]", ""), ("f_help_en[]", ""), ("f_options[]", ""), ("f_required[]", "1"),
                 ("f_code[]", ""), ("f_kind[]", "text"), ("f_label_fr[]", ""), ("f_label_en[]", ""), ("f_help_fr[]", ""), ("f_help_en[]", ""),
                 ("f_options[]", "")]
            }
            let path = "/administration/types-demandes/signalisation"
            let bad = try await admin.send(.POST, path, body: body(form(version: "1", days: "0", options: "ajout")))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("#champ-target_days") && bad.body.string.contains("#champ-f_options-0"))
            #expect(bad.body.string.contains("Délai souhaité (jours)"))
            // Triage cannot take the whole time (or more) the type allows.
            let long = try await admin.send(.POST, path, body: body(form(version: "1", days: "15", options: "ajout", triage: "15")))
            #expect(long.status == .unprocessableEntity && long.body.string.contains("#champ-triage_days"))
            #expect(long.body.string.contains(#"value="15""#))
            let options = "ajout | Ajout | Adding\nretrait | Retrait | Removing"
            #expect(try await admin.send(.POST, path, body: body(form(version: "7", days: "15", options: options))).status == .conflict)
            let saved = try await admin.send(.POST, path, body: body(form(version: "1", days: "15", options: options, triage: "4")))
            #expect(saved.status == .seeOther)
            let type = try #require(try await RequestTypeModel.query(on: app.db).filter(\.$code == "signalisation").first())
            #expect(type.fields.map(\.code) == ["nature", "delai"])
            #expect(type.fields[1].required && type.fields[1].kind == .number && type.targetDays == 15 && type.version == 2)
            #expect(type.triageDays == 4)
            #expect(type.filerKinds == [.municipality])
            let event = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "request_types.update").first())
            #expect(event.changes.contains("delai") && event.changes.contains("target_days") && event.changes.contains("triage_days"))

            // The form asks it at once, and filing without it is refused.
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let filing = try await clerk.send(.GET, "/organisations/\(Self.rdl)/demandes/nouvelle?type=signalisation").body.string
            #expect(filing.contains("Délai souhaité (jours)") && !filing.contains("champ_element"))
            let refused = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                "_csrf": try #require(Browser.csrf(in: filing)), "type": "signalisation", "title": "Panneau", "description": "Caché.",
                "champ_nature": "ajout", "resolution_number": "2026-11-245", "resolution_date": "2026-11-03"])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("#champ-champ_delai"))
            #expect(try await clerk.send(.GET, "/administration/types-demandes").status == .forbidden)
        }
    }

    /// The search text is words separated by one space; little words are left out of a query when it
    /// has others; a whole request number is looked up as such.
    @Test func searchTextIsWordsAndNumbersAreLookedUp() {
        #expect(Requests.searchable(["Panneau d'arrêt — 12, RUE Lafontaine"]) == "panneau d arret 12 rue lafontaine")
        #expect(Requests.searchable([Requests.searchable(["Côte-Sainte-Catherine"])]) == "cote sainte catherine")
        #expect(RequestSearch.terms("Le ponceau de la route") == ["ponceau", "route"])
        #expect(RequestSearch.terms("de la") == ["de", "la"])
        #expect(RequestSearch.number(" dm-2026-000123 ") == "DM-2026-000123")
        #expect(RequestSearch.number("DM-2026-12") == nil)
    }

    /// The ministry's search takes the last word as a prefix, on both databases. On PostgreSQL the prefix
    /// is turned into the indexed words that start with it (the vocabulary its triggers keep, on filing
    /// and when a text changes); a prefix no word starts with finds nothing, and one that too many
    /// words start with stays a prefix.
    @Test func theMinistrysSearchTakesTheLastWordAsAPrefix() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let many = (1...70).map { "mot\($0)" }.joined(separator: " ")
            var numbers: [String] = []
            for (title, description) in [("Trottoir brisé", "Rue Lafontaine"), ("Trottoirs à refaire", "Rue Fraser"),
                                         ("Trotteuse du clocher", "Place de l'église"), ("Vocabulaire", many)] {
                let csrf = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
                let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                    "type": "question-programme", "title": title, "description": description, "_csrf": csrf])
                #expect(filed.status == .created)
                numbers.append(try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first))
            }
            let agent = Browser(app)
            try await agent.signIn("agent.est@mtmd.test")
            func found(_ query: String) async throws -> [Bool] {
                let page = try await agent.send(.GET, "/demandes?q=\(query)").body.string
                return numbers.map { page.contains($0) }
            }
            #expect(try await found("trottoir") == [true, true, false, false])
            #expect(try await found("trot") == [true, true, true, false])
            #expect(try await found("fraser%20TROTTOIR") == [false, true, false, false])
            #expect(try await found("trottoirz") == [false, false, false, false])
            #expect(try await found("mot") == [false, false, false, true])
            #expect(try await found("vocabulaire%20mot7") == [false, false, false, true])
            #expect(try await found("mot71") == [false, false, false, false])

            // A word added to a request's text later (a message) is found by its prefix.
            try await app.db.sql.raw("""
                UPDATE requests SET search_text = search_text || ' xylophone' WHERE number = \(bind: numbers[2])
                """).run()
            #expect(try await found("xylo") == [false, false, true, false])
            if isPostgresRun {
                let sql = app.db.sql
                let words = try await sql.raw("SELECT word FROM request_words WHERE word >= 'tro' AND word < 'trp' ORDER BY word")
                    .all().map { try $0.decode(column: "word", as: String.self) }
                #expect(words == ["trotteuse", "trottoir", "trottoirs"])
                #expect(try await RequestSearch.expandedTsQuery(["fraser", "trottoir"], on: sql) == "fraser & ('trottoir' | 'trottoirs')")
                #expect(try await RequestSearch.expandedTsQuery(["trottoirz"], on: sql) == nil)
                #expect(try await RequestSearch.expandedTsQuery(["mot"], on: sql) == "mot:*")
            }
        }
    }

    /// The search text folded byte by byte is the text Foundation folds: every character from the
    /// space to U+017F, French punctuation, decomposed accents and letters Foundation alone folds.
    @Test func searchTextIsFoldedAsFoundationFoldsIt() {
        var samples = ["Panneau d'arrêt — 12, RUE Lafontaine", "Côte-Sainte-Catherine", "«Œuvre» Ærø straße", "e\u{301}cole",
                       "naïve  façade\u{A0}: 50 km/h", "L’ÉCOLE « Saint-Jean »\u{202F}!", "", "  ", "ÀÉÎÕÜÇŸ àéîõüçÿ"]
        let scalars = Array(0x20...0x17F) + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x202F, 0x2060, 0x1F600]
        for v in scalars {
            guard let scalar = Unicode.Scalar(v) else { continue }
            samples.append("ab\(Character(scalar))cd \(Character(scalar)) x\(Character(scalar))")
        }
        for sample in samples {
            #expect(Requests.searchable([sample, "Fin"]) == Requests.searchableByFoundation([sample, "Fin"]), "\(sample)")
            #expect(Requests.searchable(["", sample]) == Requests.searchableByFoundation(["", sample]), "\(sample)")
        }
    }

    /// One question raised by two municipalities becomes one file: the second request is merged into
    /// the first; the ministry's answer on the file reaches the merged request, in its language, and
    /// its followers by mail; neither municipality reads the other's request.
    @Test func groupedRequestsGetOneCoordinatedAnswer() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            try await IdentityFixtures.person("greffe@abercorn.test", on: app, roles: [("mun-46005", .contributor(.requests))])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            func fileOne(_ browser: Browser, _ code: String, _ title: String) async throws -> String {
                let csrf = try await browser.csrf(at: "/organisations/\(code)/demandes/nouvelle?type=question-programme")
                let filed = try await browser.send(.POST, "/organisations/\(code)/demandes", form: [
                    "type": "question-programme", "title": title, "description": "Les trottoirs sont-ils admissibles?", "_csrf": csrf])
                return try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            }
            let rdl = Browser(app)
            try await rdl.signIn("greffe@rdl.test")
            let file = try await fileOne(rdl, Self.rdl, "Admissibilité des trottoirs au PAFFSR")
            let abercorn = Browser(app)
            try await abercorn.signIn("greffe@abercorn.test")
            let joined = try await fileOne(abercorn, "mun-46005", "Sidewalks and PAFFSR")
            try await app.db.sql.raw("UPDATE requests SET language = 'en-CA' WHERE number = \(bind: joined)").run()

            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            #expect(try await act(coordination, joined, .merge, ["merge_into": file, "note": "Même question que Rivière-du-Loup."])
                .status == .seeOther)
            let filePage = try await coordination.send(.GET, "/demandes/\(file)").body.string
            #expect(AccessibilityCheck.problems(in: filePage).isEmpty)
            #expect(filePage.contains("Demandes regroupées dans ce dossier") && filePage.contains(joined) && filePage.contains("Abercorn"))
            let (_, _, csrf) = try await page(coordination, file)
            #expect(try await coordination.send(.POST, "/demandes/\(file)/messages", form: [
                "body": "Oui : les trottoirs sont admissibles au volet 2.", "kind": "message", "_csrf": csrf]).status == .seeOther)

            // The merged request carries the answer, in its language; Abercorn reads it there, not on the file.
            let theirs = try await abercorn.send(.GET, "/demandes/\(joined)").body.string
            #expect(theirs.contains("coordinated answer (file \(file))") && theirs.contains("les trottoirs sont admissibles au volet 2"))
            #expect(theirs.contains("a été regroupée avec celles d&#39;autres municipalités") || theirs.contains("a été regroupée avec celles d'autres municipalités"))
            #expect(!theirs.contains(#"href="/demandes/\#(file)""#))
            #expect(try await abercorn.send(.GET, "/demandes/\(file)").status == .forbidden)
            #expect(!(try await rdl.send(.GET, "/demandes/\(file)").body.string.contains("Sidewalks")))
            let mail = try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "greffe@abercorn.test").all()
            #expect(mail.contains { $0.body.contains("volet 2") })
            let relayed = try await AuditEventModel.query(on: app.db).filter(\.$recordID == joined)
                .filter(\.$action == "requests.message").count()
            #expect(relayed >= 1)
        }
    }

    /// Followers hear of status changes and messages by mail, in their language; internal notes reach
    /// the ministry only; nobody hears of their own action; a person who left the municipality hears
    /// nothing more; another municipality cannot follow.
    @Test func followersAreNotifiedThroughTheOutbox() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let colleague = try await IdentityFixtures.person("dg@rdl.test", on: app, roles: [(Self.rdl, .reader(.requests))])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [("mun-46005", .rse)])
            func inbox(_ email: String) async throws -> [String] {
                try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == email).sort(\.$createdAt).all().map(\.kind)
            }
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let csrf = try await clerk.csrf(at: "/organisations/\(Self.rdl)/demandes/nouvelle?type=question-programme")
            let filed = try await clerk.send(.POST, "/organisations/\(Self.rdl)/demandes", form: [
                "type": "question-programme", "title": "Trottoir", "description": "Admissibilité?", "_csrf": csrf])
            let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            #expect(try await clerk.send(.GET, "/demandes/\(number)").body.string.contains("Ne plus suivre"))

            // A colleague follows; Abercorn cannot.
            let dg = Browser(app)
            try await dg.signIn("dg@rdl.test")
            let dgCSRF = try #require(Browser.csrf(in: try await dg.send(.GET, "/demandes/\(number)").body.string))
            #expect(try await dg.send(.POST, "/demandes/\(number)/suivi", form: ["follow": "1", "_csrf": dgCSRF]).status == .seeOther)
            let other = Browser(app)
            try await other.signIn("rse@abercorn.test")
            let otherCSRF = try await other.csrf(at: "/mon-compte/jetons")
            #expect(try await other.send(.POST, "/demandes/\(number)/suivi", form: ["follow": "1", "_csrf": otherCSRF]).status
                == .forbidden)

            let coordination = Browser(app)
            try await coordination.signIn("coordination@mtmd.test")
            #expect(try await act(coordination, number, .assign, ["assignee": "agent.est@mtmd.test"]).status == .seeOther)
            #expect(try await inbox("greffe@rdl.test") == ["request_status"])
            #expect(try await inbox("dg@rdl.test") == ["request_status"])
            // The assignee follows from the assignment, and is told of it.
            #expect(try await inbox("agent.est@mtmd.test") == ["request_status"])

            let agent = Browser(app)
            try await agent.signIn("agent.est@mtmd.test")
            let (_, _, agentCSRF) = try await page(agent, number)
            _ = try await agent.send(.POST, "/demandes/\(number)/messages", form: ["body": "Note interne", "kind": "note", "_csrf": agentCSRF])
            _ = try await agent.send(.POST, "/demandes/\(number)/messages", form: ["body": "Oui, admissible.", "kind": "message", "_csrf": agentCSRF])
            #expect(try await inbox("greffe@rdl.test") == ["request_status", "request_message"])
            #expect(try await inbox("agent.est@mtmd.test") == ["request_status"]) // not of their own actions
            let notice = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "greffe@rdl.test")
                .filter(\.$kind == "request_message").first())
            #expect(notice.body.contains("Oui, admissible.") && notice.body.contains("/demandes/\(number)"))
            #expect(notice.subject.contains(number))

            // The colleague leaves the municipality: no more notices. The clerk stops following.
            try await MembershipModel.query(on: app.db).filter(\.$person.$id == colleague.requireID()).delete()
            let clerkCSRF = try #require(Browser.csrf(in: try await clerk.send(.GET, "/demandes/\(number)").body.string))
            #expect(try await clerk.send(.POST, "/demandes/\(number)/suivi", form: ["follow": "0", "_csrf": clerkCSRF]).status == .seeOther)
            #expect(try await act(agent, number, .startAnalysis).status == .seeOther)
            #expect(try await inbox("dg@rdl.test") == ["request_status", "request_message"])
            #expect(try await inbox("greffe@rdl.test") == ["request_status", "request_message"])
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action ~~ ["requests.follow", "requests.unfollow"]).count() == 2)
        }
    }

    @Test func filingThroughTheAPIWithAToken() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("ti@rdl.test", on: app, roles: [(Self.rdl, .contributor(.requests))])
            let browser = Browser(app)
            try await browser.signIn("ti@rdl.test")
            let csrf = try await browser.csrf(at: "/mon-compte/jetons")
            let created = try await browser.send(.POST, "/mon-compte/jetons", form: [
                "name": "311", "organisation": Self.rdl, "scopes[]": "requests:write", "days": "30", "_csrf": csrf])
            let secret = try #require(AccessibilityCheck.matches(#"(psr_[A-Za-z0-9_-]+)"#, in: created.body.string).first)
            var headers: HTTPHeaders = ["Authorization": "Bearer \(secret)"]
            headers.contentType = .json
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.rdl)/demandes", headers: headers,
                                                          body: ByteBuffer(string: #"{"type":"autre","titre":""}"#))
            #expect(bad.status == .unprocessableEntity)
            let problem = try bad.object()
            let names = (problem["errors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.contains("titre") && names.contains("description"))
            // The names of the request it gets back, the type's questions under `reponses`.
            let signal = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.rdl)/demandes", headers: headers,
                body: ByteBuffer(string: #"{"type":"signalisation","titre":"Panneau","description":"Caché.","reponses":{"nature":"inconnue"}}"#))
            #expect(signal.status == .unprocessableEntity)
            let signalNames = (try signal.object()["errors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(signalNames.contains("reponses.nature") && signalNames.contains("resolution_numero"), "\(signalNames)")
            // A form-encoded body is not the API's: 415, nothing filed.
            var form = headers
            form.contentType = .urlEncodedForm
            let encoded = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.rdl)/demandes", headers: form,
                body: ByteBuffer(string: "type=autre&titre=Question&description=Une%20question"))
            #expect(encoded.status == .unsupportedMediaType)
            let good = try await app.testing().sendRequest(.POST, "/api/v1/organisations/\(Self.rdl)/demandes", headers: headers,
                body: ByteBuffer(string: #"{"type":"question-programme","titre":"TAPU","description":"Admissibilité d'un trottoir?","latitude":47.83,"longitude":-69.53}"#))
            #expect(good.status == .created)
            let body = try good.object()
            #expect(body["titre"] as? String == "TAPU")
            #expect(body["latitude"] as? Double == 47.83)
            #expect(try await RequestModel.query(on: app.db).count() == 1)
            #expect(body["statut"] as? String == "received")
            #expect(body["organisation"] as? String == Self.rdl)
            #expect(good.headers.first(name: .location) == "/api/v1/demandes/\(body["numero"] as? String ?? "")")
            // Another organisation's address: refused.
            let elsewhere = try await app.testing().sendRequest(.POST, "/api/v1/organisations/mun-46005/demandes",
                                                                headers: headers, body: ByteBuffer(string: "{}"))
            #expect(elsewhere.status == .forbidden)
        }
    }
}

extension Browser {
    /// A multipart form, as a browser sends files.
    @discardableResult
    func sendMultipart(_ path: String, fields: [String: String], files: [(field: String, filename: String, bytes: [UInt8])])
        async throws -> TestingHTTPResponse {
        let boundary = "passerelle-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\n"
                             + "Content-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}

@Suite struct AttachmentTests {
    static let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let exe: [UInt8] = Array("MZ\u{90}\u{0}".utf8) + [UInt8](repeating: 0, count: 64)

    @Test func filesAreCheckedByContentStoredByHashAndKeptFromOthers() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [("mun-12072", .contributor(.requests))])
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [("mun-46005", .rse)])
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            let csrf = try await clerk.csrf(at: "/organisations/mun-12072/demandes/nouvelle?type=question-programme")
            let fields = ["type": "question-programme", "title": "TAPU", "description": "Un trottoir est-il admissible?", "_csrf": csrf]
            let path = "/organisations/mun-12072/demandes"

            // A PNG named .pdf, a program named .png: refused, nothing filed, what was typed kept.
            let disguised = try await clerk.sendMultipart(path, fields: fields, files: [("pieces[]", "plan.pdf", Self.png)])
            #expect(disguised.status == .unprocessableEntity)
            #expect(disguised.body.string.contains("PNG"))
            #expect(disguised.body.string.contains("Un trottoir est-il admissible?"))
            let program = try await clerk.sendMultipart(path, fields: fields, files: [("pieces[]", "photo.png", Self.exe)])
            #expect(program.status == .unprocessableEntity)
            #expect(program.body.string.contains("#champ-pieces"))
            // Too large for the configured limit.
            app.settings.attachmentMaxMB = 1
            let big = Self.pdf + [UInt8](repeating: 0x20, count: 1_200_000)
            let tooLarge = try await clerk.sendMultipart(path, fields: fields, files: [("pieces[]", "gros.pdf", big)])
            #expect(tooLarge.status == .unprocessableEntity)
            #expect(tooLarge.body.string.contains("1 Mo"))
            // The scan command refuses: nothing kept.
            app.settings.scanCommand = "/bin/false"
            let infected = try await clerk.sendMultipart(path, fields: fields, files: [("pieces[]", "plan.pdf", Self.pdf)])
            #expect(infected.status == .unprocessableEntity)
            #expect(try await RequestModel.query(on: app.db).count() == 0)
            #expect(try await AttachmentModel.query(on: app.db).count() == 0)

            app.settings.scanCommand = "/bin/true"
            let filed = try await clerk.sendMultipart(path, fields: fields, files: [("pieces[]", "plan.pdf", Self.pdf),
                                                                                  ("pieces[]", "photo.png", Self.png)])
            #expect(filed.status == .created)
            let number = try #require(AccessibilityCheck.matches(#"(DM-\d{4}-\d{6})"#, in: filed.body.string).first)
            let stored = try await AttachmentModel.query(on: app.db).sort(\.$filename, .descending).all()
            #expect(stored.map(\.filename) == ["plan.pdf", "photo.png"])
            #expect(stored.map(\.contentType) == ["application/pdf", "image/png"])
            let onDisk = URL(fileURLWithPath: app.settings.attachmentsPath)
                .appendingPathComponent(String(stored[0].sha256.prefix(2))).appendingPathComponent(stored[0].sha256)
            #expect(FileManager.default.contents(atPath: onDisk.path) == Data(Self.pdf))

            let page = try await clerk.send(.GET, "/demandes/\(number)")
            #expect(page.body.string.contains("plan.pdf"))
            let download = try await clerk.send(.GET, "/demandes/\(number)/pieces/\(try stored[0].requireID())")
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == Self.pdf)
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            let other = Browser(app)
            try await other.signIn("rse@abercorn.test")
            #expect(try await other.send(.GET, "/demandes/\(number)/pieces/\(try stored[0].requireID())").status == .forbidden)

            // A file joined to an internal note stays inside the ministry.
            let agent = Browser(app)
            try await agent.signIn("agent.est@mtmd.test")
            let agentCSRF = try #require(Browser.csrf(in: try await agent.send(.GET, "/demandes/\(number)").body.string))
            #expect(try await agent.sendMultipart("/demandes/\(number)/messages",
                                                  fields: ["body": "Analyse interne", "kind": "note", "_csrf": agentCSRF],
                                                  files: [("pieces[]", "analyse.pdf", Self.pdf + Array("x".utf8))]).status == .seeOther)
            let inside = try #require(try await AttachmentModel.query(on: app.db).filter(\.$filename == "analyse.pdf").first())
            #expect(inside.shared == false)
            #expect(!(try await clerk.send(.GET, "/demandes/\(number)").body.string.contains("analyse.pdf")))
            #expect(try await clerk.send(.GET, "/demandes/\(number)/pieces/\(try inside.requireID())").status == .notFound)
            #expect(try await agent.send(.GET, "/demandes/\(number)/pieces/\(try inside.requireID())").status == .ok)
        }
    }

    @Test func sniffingKnowsOfficeFilesAndText() {
        let docx = [0x50, 0x4B, 0x03, 0x04] + Array("....[Content_Types].xml....word/document.xml".utf8)
        #expect(FileKind.sniff(docx, filename: "lettre.docx") == .docx)
        #expect(FileKind.sniff(Array("a;b\n1;2\n".utf8), filename: "donnees.csv") == .text)
        #expect(FileKind.sniff(Array("a;b\n1;2\n".utf8), filename: "donnees.exe") == nil)
        #expect(FileKind.sniff([0xFF, 0xD8, 0xFF, 0xE0], filename: "x.jpg") == .jpeg)
        #expect(FileKind.sniff([0x50, 0x4B, 0x03, 0x04, 0x00], filename: "archive.zip") == nil)
    }
}
