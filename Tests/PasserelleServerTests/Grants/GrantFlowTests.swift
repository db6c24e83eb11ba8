import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

extension Browser {
    /// A JSON request with the browser's cookies.
    @discardableResult
    func sendJSON(_ method: HTTPMethod, _ path: String, _ object: Any) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        headers.contentType = .json
        let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }
}

@Suite struct GrantFlowTests {
    static let acton = "mun-48028"
    static let abercorn = "mun-46005"
    static let rdl = "mun-12072"
    static let pdf = AttachmentTests.pdf

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// The people of a call: a program manager, three evaluators, two finance officers (50 000 $
    /// and 1 000 000 $ of spending authority) and the applicants.
    static func people(_ app: Application) async throws {
        try await IdentityFixtures.person("programmes@mtmd.test", on: app, roles: [("unite-soutien", .programManager)])
        try await IdentityFixtures.person("eval1@mtmd.test", on: app, roles: [("unite-soutien", .evaluator)])
        try await IdentityFixtures.person("eval2@mtmd.test", on: app, roles: [("unite-soutien", .evaluator)])
        try await IdentityFixtures.person("eval3@mtmd.test", on: app, roles: [("unite-soutien", .evaluator)])
        try await IdentityFixtures.person("finances1@mtmd.test", on: app, roles: [("unite-finances", .financeOfficer(spendingLimitCents: 50_000_00))])
        try await IdentityFixtures.person("finances2@mtmd.test", on: app, roles: [("unite-finances", .financeOfficer(spendingLimitCents: 1_000_000_00))])
        try await IdentityFixtures.person("greffe@actonvale.test", on: app, roles: [(acton, .contributor(.grants))])
        try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [(rdl, .contributor(.grants))])
        let rse = try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [(abercorn, .rse)])
        let firm = try await IdentityFixtures.person("firme@conseil.test", on: app)
        let mandate = MandateModel()
        mandate.$person.id = try firm.requireID()
        mandate.$organisation.id = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == abercorn).first()).requireID()
        mandate.grantedBy = try rse.requireID()
        mandate.firm = "Conseil municipal inc."
        mandate.services = "grants"
        mandate.endsOn = "2027-12-31"
        try await mandate.create(on: app.db)
    }

    /// The program manager's envelope (2026-2027) and call (open November 1 to December 15, 16 h).
    static func openCall(_ app: Application, total: String) async throws -> Browser {
        let manager = Browser(app)
        try await manager.signIn("programmes@mtmd.test")
        var csrf = try await manager.csrf(at: "/programmes/paffsr")
        // A fiscal year that is not one: refused on its field, what was typed kept.
        let wrong = try await manager.send(.POST, "/programmes/paffsr/enveloppes",
                                           form: ["exercice": "2026", "region": "", "montant": total, "_csrf": csrf])
        #expect(wrong.status == .unprocessableEntity)
        #expect(wrong.body.string.contains("#champ-exercice") && wrong.body.string.contains(#"value="\#(total)""#))
        let envelope = try await manager.send(.POST, "/programmes/paffsr/enveloppes",
                                              form: ["exercice": "2026-2027", "region": "", "montant": total, "_csrf": csrf])
        #expect(envelope.status == .seeOther)
        let page = try await manager.send(.GET, "/programmes/paffsr").body.string
        csrf = try #require(Browser.csrf(in: page))
        let envelopeID = try #require(AccessibilityCheck.matches(#"name="enveloppe"[^>]*>\s*<option value="([0-9A-F-]+)""#, in: page).first)
        let call = try await manager.send(.POST, "/programmes/paffsr/appels", form: [
            "code": "paffsr-2026", "titre_fr": "Appel de projets PAFFSR 2026", "titre_en": "PAFFSR 2026 call",
            "ouverture_date": "2026-11-01", "ouverture_heure": "9:00", "fermeture_date": "2026-12-15", "fermeture_heure": "16:00",
            "enveloppe": envelopeID, "_csrf": csrf])
        #expect(call.status == .seeOther)
        return manager
    }

    static func fields(csrf: String, title: String, costs: [(String, String)], requested: String = "") -> [String: String] {
        var fields = ["appel": "paffsr-2026", "programme": "paffsr", "title": title, "_csrf": csrf,
                      "summary": "Aménagement de saillies et d'une traverse surélevée devant l'école.",
                      "champ_site": "Rue Principale et rue de l'École", "champ_collisions": "4", "requested": requested]
        for (index, cost) in costs.enumerated() {
            fields["cout_libelle_\(index)"] = cost.0
            fields["cout_montant_\(index)"] = cost.1
        }
        return fields
    }

    static func number(_ response: TestingHTTPResponse) throws -> String {
        let location = try #require(response.headers.first(name: .location))
        return String(try #require(location.split(separator: "/").last).split(separator: "?")[0])
    }

    static func version(_ html: String) throws -> String {
        try #require(AccessibilityCheck.matches(#"name="version" value="(\d+)""#, in: html).first)
    }

    @Test func aCallFromOpeningToDecisionLetters() async throws {
        try await withPasserelle { app in
            app.now = Self.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await Self.people(app)
            let manager = try await Self.openCall(app, total: "150 000,00")

            // The public call page: open, closing at the minute, in Québec time.
            let anonymous = try await app.testing().sendRequest(.GET, "/appels/paffsr-2026")
            #expect(anonymous.status == .ok)
            #expect(anonymous.body.string.contains("15\u{00A0}décembre 2026 à 16\u{00A0}h"))
            #expect(AccessibilityCheck.problems(in: anonymous.body.string).isEmpty)
            #expect(try await app.testing().sendRequest(.GET, "/programmes").body.string.contains("Appel de projets PAFFSR 2026"))

            // Acton Vale applies through the pages.
            let acton = Browser(app)
            try await acton.signIn("greffe@actonvale.test")
            #expect(try await acton.send(.GET, "/aide/nouvelle?appel=paffsr-2026").headers.first(name: .location)
                == "/organisations/\(Self.acton)/aide/nouvelle?appel=paffsr-2026")
            let form = try await acton.send(.GET, "/organisations/\(Self.acton)/aide/nouvelle?appel=paffsr-2026")
            #expect(form.status == .ok)
            #expect(AccessibilityCheck.problems(in: form.body.string).isEmpty)
            let csrf = try #require(Browser.csrf(in: form.body.string))
            let costs = [("Saillies et traverse", "180 000,00"), ("Honoraires", "20 000,00")]
            // An amount above the ceiling: refused on its field, with the ceiling; nothing written; typed values kept.
            let above = try await acton.sendMultipart("/organisations/\(Self.acton)/aide",
                fields: Self.fields(csrf: csrf, title: "Sécurité devant l'école Saint-André", costs: costs, requested: "1 500 000,00"), files: [])
            #expect(above.status == .unprocessableEntity)
            #expect(above.body.string.contains("#champ-requested"))
            #expect(above.body.string.contains("plafond du programme (1\u{00A0}000\u{00A0}000,00\u{00A0}$)"))
            #expect(above.body.string.contains("Saillies et traverse"))
            #expect(try await GrantApplicationModel.query(on: app.db).count() == 0)

            // Saved as a draft with one document of two.
            let saved = try await acton.sendMultipart("/organisations/\(Self.acton)/aide",
                fields: Self.fields(csrf: csrf, title: "Sécurité devant l'école Saint-André", costs: costs),
                files: [("doc_resolution[]", "resolution-2026-11-245.pdf", Self.pdf)])
            #expect(saved.status == .seeOther)
            let actonNumber = try Self.number(saved)
            #expect(actonNumber == "AF-2026-000001")
            var page = try await acton.send(.GET, "/aide/\(actonNumber)").body.string
            #expect(page.contains("100\u{00A0}000,00\u{00A0}$"))  // half of 200 000 $, at the ceiling
            #expect(page.contains("Document exigé manquant : Plans ou estimation des coûts."))
            #expect(AccessibilityCheck.problems(in: page).isEmpty)

            // Submitting without the plans: refused, the draft kept.
            let missing = try await acton.send(.POST, "/aide/\(actonNumber)/depot",
                                               form: ["version": try Self.version(page), "_csrf": try #require(Browser.csrf(in: page))])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Document exigé manquant : Plans ou estimation des coûts."))
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == actonNumber).first()?.phase == "draft")

            // The plans added, then submitted: eligible, under evaluation.
            let edit = try await acton.send(.GET, "/aide/\(actonNumber)/modifier").body.string
            var editFields = Self.fields(csrf: try #require(Browser.csrf(in: edit)), title: "Sécurité devant l'école Saint-André", costs: costs)
            editFields["version"] = try Self.version(edit)
            #expect(try await acton.sendMultipart("/aide/\(actonNumber)", fields: editFields,
                                                  files: [("doc_plans[]", "plans.pdf", Self.pdf)]).status == .seeOther)
            page = try await acton.send(.GET, "/aide/\(actonNumber)").body.string
            let submitted = try await acton.send(.POST, "/aide/\(actonNumber)/depot",
                                                 form: ["version": try Self.version(page), "_csrf": try #require(Browser.csrf(in: page))])
            #expect(submitted.status == .seeOther)
            page = try await acton.send(.GET, "/aide/\(actonNumber)?depose=1").body.string
            #expect(page.contains("En évaluation") && page.contains("Votre demande \(actonNumber) a été déposée"))
            // Its documents download as attachments, to the applicant and to nobody of another municipality.
            let document = try #require(AccessibilityCheck.matches(#"href="(/aide/[^"]+/documents/[^"]+)""#, in: page).first)
            let downloaded = try await acton.send(.GET, document)
            #expect(downloaded.status == .ok && downloaded.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(Array(downloaded.body.readableBytesView) == Self.pdf)

            // Abercorn applies through its mandataire, with the API.
            let firm = Browser(app)
            try await firm.signIn("firme@conseil.test")
            let pdf64 = Data(Self.pdf).base64EncodedString()
            let abercornFiled = try await firm.sendJSON(.POST, "/api/v1/organisations/\(Self.abercorn)/demandes-aide", [
                "appel": "paffsr-2026", "titre": "Trottoir et traverse rue des Églises", "resume": "Un trottoir vers l'école du village.",
                "reponses": ["site": "Rue des Églises", "collisions": 1],
                "couts": [["libelle": "Trottoir", "montant_cents": 120_000_00]],
                "documents": [["exigence": "resolution", "nom": "resolution.pdf", "contenu_base64": pdf64],
                              ["exigence": "plans", "nom": "plans.pdf", "contenu_base64": pdf64]],
                "deposer": true,
            ] as [String: Any])
            #expect(abercornFiled.status == .created)
            let abercorn = try abercornFiled.object()
            let abercornNumber = try #require(abercorn["numero"] as? String)
            #expect(abercorn["phase"] as? String == "in_evaluation")
            #expect(abercorn["montant_demande_cents"] as? Int == 60_000_00)
            #expect(abercorn["par_mandataire"] as? Bool == true)
            // Documents given together are one journal event, one change each.
            let added = try await AuditEventModel.query(on: app.db).filter(\.$recordID == abercornNumber)
                .filter(\.$action == "grants.document.add").all()
            #expect(added.count == 1)
            #expect(added.first?.changes.contains("\"document.plans\"") == true && added.first?.changes.contains("\"document.resolution\"") == true)

            // Rivière-du-Loup's project is too small: screened out, with the reason.
            let rdl = Browser(app)
            try await rdl.signIn("greffe@rdl.test")
            let small = try await rdl.sendJSON(.POST, "/api/v1/organisations/\(Self.rdl)/demandes-aide", [
                "appel": "paffsr-2026", "titre": "Afficheur de vitesse", "resume": "Un afficheur rue Lafontaine.",
                "reponses": ["site": "Rue Lafontaine", "collisions": 0],
                "couts": [["libelle": "Afficheur", "montant_cents": 10_000_00]],
                "documents": [["exigence": "resolution", "nom": "r.pdf", "contenu_base64": pdf64],
                              ["exigence": "plans", "nom": "p.pdf", "contenu_base64": pdf64]],
                "deposer": true,
            ] as [String: Any])
            #expect(small.status == .created)
            let screened = try small.object()
            #expect(screened["phase"] as? String == "ineligible")
            let reasons = try #require(screened["admissibilite"] as? [[String: Any]])
            #expect(reasons.first?["motif"] as? String == "Les dépenses admissibles sont inférieures au minimum du programme (25\u{00A0}000,00\u{00A0}$).")

            // A municipality sees its own files only.
            #expect(try await acton.send(.GET, "/aide/\(abercornNumber)").status == .forbidden)
            let rdlOther = Browser(app)
            try await rdlOther.signIn("greffe@rdl.test")
            #expect(try await rdlOther.send(.GET, document).status == .forbidden)
            let actonList = try await acton.send(.GET, "/aide").body.string
            #expect(actonList.contains(actonNumber) && !actonList.contains(abercornNumber))

            // Evaluators: one declared a conflict with Abercorn and cannot be assigned to it.
            let eval3 = Browser(app)
            try await eval3.signIn("eval3@mtmd.test")
            // Need-to-know: not assigned yet, the evaluator does not open the file.
            #expect(try await eval3.send(.GET, "/aide/\(abercornNumber)").status == .forbidden)
            let eval3Page = try await eval3.send(.GET, "/mon-compte").body.string
            #expect(try await eval3.send(.POST, "/aide/conflits", form: ["organisation": Self.abercorn, "motif": "Résidente d'Abercorn",
                                                                       "retour": "/aide/\(abercornNumber)",
                                                                       "_csrf": try #require(Browser.csrf(in: eval3Page))]).status == .seeOther)
            func assign(_ number: String, _ email: String) async throws -> TestingHTTPResponse {
                let html = try await manager.send(.GET, "/aide/\(number)").body.string
                let person = try #require(try await PersonModel.query(on: app.db).filter(\.$email == email).first()?.id)
                return try await manager.send(.POST, "/aide/\(number)/evaluateurs",
                                              form: ["evaluateur": person.uuidString, "_csrf": try #require(Browser.csrf(in: html))])
            }
            let conflicted = try await assign(abercornNumber, "eval3@mtmd.test")
            #expect(conflicted.status == .unprocessableEntity)
            #expect(conflicted.body.string.contains("conflit d&#39;intérêts") || conflicted.body.string.contains("conflit d'intérêts"))
            for number in [actonNumber, abercornNumber] {
                for email in ["eval1@mtmd.test", "eval2@mtmd.test"] { #expect(try await assign(number, email).status == .seeOther) }
            }

            // Scores: Acton Vale high, Abercorn lower; a score out of range is refused on its field.
            func score(_ email: String, _ number: String, _ notes: [Int]) async throws -> TestingHTTPResponse {
                let browser = Browser(app)
                try await browser.signIn(email)
                let html = try await browser.send(.GET, "/aide/\(number)").body.string
                var form = ["_csrf": try #require(Browser.csrf(in: html))]
                for (code, note) in zip(["enjeu", "vulnerables", "efficacite", "maturite", "cout"], notes) { form["note_\(code)"] = String(note) }
                return try await browser.send(.POST, "/aide/\(number)/evaluation", form: form)
            }
            let outOfRange = try await score("eval1@mtmd.test", actonNumber, [11, 9, 8, 8, 7])
            #expect(outOfRange.status == .unprocessableEntity && outOfRange.body.string.contains("#champ-note_enjeu"))
            #expect(try await score("eval1@mtmd.test", actonNumber, [9, 9, 8, 8, 7]).status == .seeOther)
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == actonNumber).first()?.phase == "in_evaluation")
            #expect(try await score("eval2@mtmd.test", actonNumber, [8, 9, 9, 7, 8]).status == .seeOther)
            #expect(try await score("eval1@mtmd.test", abercornNumber, [6, 5, 6, 7, 6]).status == .seeOther)
            #expect(try await score("eval2@mtmd.test", abercornNumber, [7, 6, 5, 6, 7]).status == .seeOther)
            let actonModel = try #require(try await GrantApplicationModel.query(on: app.db).filter(\.$number == actonNumber).first())
            #expect(actonModel.phase == "evaluated")
            // (8.5×30 + 9×25 + 8.5×20 + 7.5×15 + 7.5×10) / 10 = 83.75
            #expect(actonModel.score.map(Grants.formatScore) == "83.75")

            // The ranking: Acton Vale above the line, Abercorn below (100 000 + 60 000 > 150 000).
            let ranking = try await manager.send(.GET, "/appels/paffsr-2026/classement")
            #expect(ranking.status == .ok)
            #expect(ranking.body.string.contains("Ligne de coupure : il reste 50\u{00A0}000,00\u{00A0}$"))
            #expect(AccessibilityCheck.problems(in: ranking.body.string).isEmpty)
            let rankingJSON = try await manager.send(.GET, "/api/v1/appels/paffsr-2026/classement").object()
            let rows = try #require(rankingJSON["classement"] as? [[String: Any]])
            #expect(rows.map { $0["numero"] as? String } == [actonNumber, abercornNumber])
            #expect(rows.map { $0["finance"] as? Bool } == [true, false])
            #expect(try await manager.send(.GET, "/appels/paffsr-2026/classement.csv").body.string.contains(actonNumber))
            #expect(try await acton.send(.GET, "/appels/paffsr-2026/classement").status == .forbidden)

            // Decisions: 100 000 $ is above the first officer's 50 000 $: it waits for a second approval.
            let finances1 = Browser(app), finances2 = Browser(app)
            try await finances1.signIn("finances1@mtmd.test")
            try await finances2.signIn("finances2@mtmd.test")
            func decide(_ browser: Browser, _ number: String, _ fields: [String: String]) async throws -> TestingHTTPResponse {
                let html = try await browser.send(.GET, "/aide/\(number)").body.string
                return try await browser.send(.POST, "/aide/\(number)/decision",
                                              form: fields.merging(["version": try Self.version(html), "_csrf": try #require(Browser.csrf(in: html))]) { $1 })
            }
            let tooMuch = try await decide(finances1, actonNumber, ["kind": "approve", "montant": "100 000,01"])
            #expect(tooMuch.status == .unprocessableEntity)
            #expect(try await decide(finances1, actonNumber, ["kind": "approve", "montant": "100 000,00"]).status == .seeOther)
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == actonNumber).first()?.phase == "pending_approval")
            var envelope = try #require(try await GrantEnvelopeModel.query(on: app.db).first())
            #expect(envelope.committedCents == 100_000_00 && envelope.approvedCents == 0)
            func second(_ browser: Browser) async throws -> TestingHTTPResponse {
                let html = try await browser.send(.GET, "/aide/\(actonNumber)").body.string
                return try await browser.send(.POST, "/aide/\(actonNumber)/approbation",
                                              form: ["version": try Self.version(html), "_csrf": try #require(Browser.csrf(in: html))])
            }
            let same = try await second(finances1)
            #expect(same.status == .unprocessableEntity && same.body.string.contains("une autre personne"))
            #expect(try await second(finances2).status == .seeOther)
            envelope = try #require(try await GrantEnvelopeModel.query(on: app.db).first())
            #expect(envelope.committedCents == 0 && envelope.approvedCents == 100_000_00 && envelope.remainingCents == 50_000_00)

            // Abercorn's 60 000 $ would overdraw what remains: refused with the figures; then wait-listed.
            let overdraw = try await decide(manager, abercornNumber, ["kind": "approve", "montant": "60 000,00"])
            #expect(overdraw.status == .conflict)
            #expect(overdraw.body.string.contains("50\u{00A0}000,00\u{00A0}$") && overdraw.body.string.contains("60\u{00A0}000,00\u{00A0}$"))
            let noReasons = try await decide(manager, abercornNumber, ["kind": "refuse", "motifs": ""])
            #expect(noReasons.status == .unprocessableEntity && noReasons.body.string.contains("#champ-motifs"))
            #expect(try await decide(manager, abercornNumber, ["kind": "waitlist", "motifs": ""]).status == .seeOther)

            // The letters, in French, seen by the applicants in their portal.
            let letter = try await acton.send(.GET, "/aide/\(actonNumber)/lettre")
            #expect(letter.status == .ok)
            #expect(letter.body.string.contains("Nous avons le plaisir de vous informer que votre demande \(actonNumber)"))
            #expect(letter.body.string.contains("100\u{00A0}000,00\u{00A0}$") && letter.body.string.contains("Québec, le "))
            let waitlisted = try await firm.send(.GET, "/aide/\(abercornNumber)/lettre").body.string
            #expect(waitlisted.contains("liste d&#39;attente") || waitlisted.contains("liste d'attente"))
            #expect(try await acton.send(.GET, "/aide/\(actonNumber)").body.string.contains("Acceptée"))

            // The journal has every step, and its chain holds.
            let actions = try await AuditEventModel.query(on: app.db).filter(\.$recordType == "grant_application")
                .filter(\.$recordID == actonNumber).sort(\.$sequence).all().map(\.action)
            for action in ["grants.application.create", "grants.document.add", "grants.application.update", "grants.application.submit",
                           "grants.application.screen", "grants.evaluator.assign", "grants.evaluation.score", "grants.application.evaluate",
                           "grants.decision.approve", "grants.decision.second_approval"] {
                #expect(actions.contains(action), "journal: \(action)")
            }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "grants.envelope.create").count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "grants.call.create").count() == 1)
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))

            // The program's dashboard: by stage, requested and available, by region, with CSV.
            let dashboard = try await manager.send(.GET, "/programmes/paffsr/tableau")
            #expect(dashboard.status == .ok && dashboard.body.string.contains("<svg"))
            #expect(AccessibilityCheck.problems(in: dashboard.body.string).isEmpty)
            let csv = try await manager.send(.GET, "/programmes/paffsr/tableau.csv").body.string
            #expect(csv.contains("Demandes par étape,Acceptée,1,100000.00"))
            #expect(csv.contains("Montant de l'enveloppe,2026-2027,,150000.00"))

            // The mail, in the outbox in each recipient's language: the receipts (with the screening's
            // reason), the evaluators' assignments, the second approval to the officer whose limit
            // covers it (not to the one who decided), and each change to its applicant.
            func mail(_ email: String, _ kind: String) async throws -> [OutboxMessageModel] {
                try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == email).filter(\.$kind == kind).all()
            }
            let receipt = try await mail("greffe@actonvale.test", "grant_receipt")
            #expect(receipt.count == 1 && receipt.first?.subject == "\(actonNumber) : demande d'aide reçue")
            #expect(receipt.first?.body.contains("État : En évaluation") == true)
            let rdlReceipt = try #require(try await mail("greffe@rdl.test", "grant_receipt").first)
            #expect(rdlReceipt.body.contains("Non admissible") && rdlReceipt.body.contains("inférieures au minimum du programme (25\u{00A0}000,00\u{00A0}$)"))
            #expect(try await mail("eval1@mtmd.test", "grant_assigned").count == 2)
            #expect(try await mail("eval3@mtmd.test", "grant_assigned").isEmpty)
            #expect(try await mail("finances2@mtmd.test", "grant_second_approval").first?.body.contains("100\u{00A0}000,00\u{00A0}$") == true)
            #expect(try await mail("finances1@mtmd.test", "grant_second_approval").isEmpty)
            let actonStatus = try await mail("greffe@actonvale.test", "grant_status").map(\.subject)
            #expect(actonStatus.contains("\(actonNumber) : Acceptée") && actonStatus.contains("\(actonNumber) : Évaluée"))
            #expect(try await mail("firme@conseil.test", "grant_status").map(\.subject).contains("\(abercornNumber) : En liste d'attente"))

            // After the closing minute: a draft made before cannot be submitted, and is kept.
            let late = try await firm.sendJSON(.POST, "/api/v1/organisations/\(Self.abercorn)/demandes-aide", [
                "appel": "paffsr-2026", "titre": "Deuxième projet", "resume": "Un autre.", "reponses": ["site": "Chemin", "collisions": 0],
                "couts": [["libelle": "Travaux", "montant_cents": 40_000_00]],
            ] as [String: Any])
            #expect(late.status == .created)
            let lateNumber = try #require(try late.object()["numero"] as? String)
            app.now = Self.instant("2026-12-15T21:00:00Z")  // 16 h in Québec (UTC−5)
            let closed = try await firm.sendJSON(.POST, "/api/v1/demandes-aide/\(lateNumber)/depot", ["version": 1])
            #expect(closed.status == .unprocessableEntity)
            #expect(try closed.object()["code"] as? String == "call_closed")
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == lateNumber).first()?.phase == "draft")
            #expect(try await app.testing().sendRequest(.GET, "/appels/paffsr-2026").body.string.contains("Fermé"))
        }
    }

    @Test func twoDecisionsAtOnceCannotOverdrawTheEnvelope() async throws {
        try await withPasserelle(onDisk: true) { app in
            app.now = Self.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await Self.people(app)
            _ = try await Self.openCall(app, total: "100 000,00")
            // Six evaluated applications of 40 000 $: the envelope pays two of them.
            let program = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            let call = try #require(try await GrantCallModel.query(on: app.db).first())
            let organisation = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == Self.acton).first())
            let applicant = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "greffe@actonvale.test").first())
            var numbers: [String] = []
            for index in 1...6 {
                let model = GrantApplicationModel()
                model.number = "AF-2026-90000\(index)"
                model.$program.id = try program.requireID()
                model.$call.id = try call.requireID()
                model.$organisation.id = try organisation.requireID()
                model.$applicant.id = try applicant.requireID()
                model.language = "fr-CA"
                model.phase = "evaluated"
                model.workflowVersion = 1
                model.title = "Projet \(index)"
                model.summary = "—"
                model.eligibleCents = 80_000_00
                model.requestedCents = 40_000_00
                model.version = 1
                try await model.create(on: app.db)
                numbers.append(model.number)
            }
            let officer = Browser(app)
            try await officer.signIn("finances2@mtmd.test")
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for number in numbers {
                    group.addTask {
                        try await officer.sendJSON(.POST, "/api/v1/demandes-aide/\(number)/decision",
                                                   ["decision": "approve", "montant_cents": 40_000_00, "version": 1]).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 2)
            #expect(statuses.filter { $0 == 409 }.count == 4)
            let envelope = try #require(try await GrantEnvelopeModel.query(on: app.db).first())
            #expect(envelope.approvedCents == 80_000_00 && envelope.remainingCents == 20_000_00)
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$phase == "approved").count() == 2)
            #expect(try await GrantDecisionModel.query(on: app.db).count() == 2)
        }
    }
}

@Suite struct GrantChangesTests {
    typealias F = GrantFlowTests

    @Test func aRequestForChangesReopensOnlyWhatItNamesAndCoApplicantsSeeTheFile() async throws {
        try await withPasserelle { app in
            app.now = F.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await F.people(app)
            let manager = try await F.openCall(app, total: "500 000,00")
            let acton = Browser(app)
            try await acton.signIn("greffe@actonvale.test")
            let pdf64 = Data(F.pdf).base64EncodedString()
            // In English: the applicant's language is kept for the letter.
            let filed = try await acton.sendJSON(.POST, "/api/v1/organisations/\(F.acton)/demandes-aide?lang=en", [
                "appel": "paffsr-2026", "titre": "Shared crossing", "resume": "A crossing between the two municipalities.",
                "reponses": ["site": "Route 116", "collisions": 2], "co_demandeurs": [F.abercorn],
                "couts": [["libelle": "Travaux", "montant_cents": 90_000_00]],
                "financements": [["libelle": "Programme fédéral", "montant_cents": 30_000_00, "public": true]],
                "documents": [["exigence": "resolution", "nom": "r.pdf", "contenu_base64": pdf64],
                              ["exigence": "plans", "nom": "p.pdf", "contenu_base64": pdf64]],
                "deposer": true,
            ] as [String: Any])
            #expect(filed.status == .created)
            let object = try filed.object()
            let number = try #require(object["numero"] as? String)
            // 50 % of 90 000 $ is 45 000 $, but the stacking limit (80 %, 72 000 $) less 30 000 $ of public aid leaves 42 000 $.
            #expect(object["montant_demande_cents"] as? Int == 42_000_00)
            #expect(object["langue"] as? String == "en-CA")

            // The co-applicant's RSÉ reads the file and finds it in its list; another municipality does not.
            let abercorn = Browser(app)
            try await abercorn.signIn("rse@abercorn.test")
            #expect(try await abercorn.send(.GET, "/aide/\(number)").status == .ok)
            #expect(try await abercorn.send(.GET, "/aide").body.string.contains(number))
            let rdl = Browser(app)
            try await rdl.signIn("greffe@rdl.test")
            #expect(try await rdl.send(.GET, "/aide/\(number)").status == .forbidden)
            #expect(try await rdl.sendJSON(.GET, "/api/v1/demandes-aide/\(number)", [:] as [String: Any]).status == .forbidden)

            // A request for changes must name what to change.
            var page = try await manager.send(.GET, "/aide/\(number)").body.string
            let empty = try await manager.send(.POST, "/aide/\(number)/evenements", body:
                "event=request_changes&version=\(try F.version(page))&note=&_csrf=\(try #require(Browser.csrf(in: page)))")
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("#champ-champs"))
            let asked = try await manager.send(.POST, "/aide/\(number)/evenements", body:
                "event=request_changes&version=\(try F.version(page))&champs[]=budget&note=Ajoutez%20les%20honoraires&_csrf=\(try #require(Browser.csrf(in: page)))")
            #expect(asked.status == .seeOther)
            page = try await acton.send(.GET, "/aide/\(number)/modifier").body.string
            #expect(page.contains("Ajoutez les honoraires"))
            // The applicant changes the title and the budget: only the budget is taken.
            var fields = F.fields(csrf: try #require(Browser.csrf(in: page)), title: "Another title",
                                  costs: [("Travaux", "90 000,00"), ("Honoraires", "9 000,00")])
            fields["version"] = try F.version(page)
            fields["fin_libelle_0"] = "Programme fédéral"
            fields["fin_montant_0"] = "30 000,00"
            fields["fin_public_0"] = "1"
            #expect(try await acton.sendMultipart("/aide/\(number)", fields: fields, files: []).status == .seeOther)
            var model = try #require(try await GrantApplicationModel.query(on: app.db).filter(\.$number == number).first())
            #expect(model.title == "Shared crossing")
            #expect(model.eligibleCents == 99_000_00)
            #expect(model.requestedCents == 49_200_00)  // 80 % of 99 000 $ less 30 000 $
            let submittedAt = model.submittedAt
            page = try await acton.send(.GET, "/aide/\(number)").body.string
            #expect(try await acton.send(.POST, "/aide/\(number)/depot",
                                         form: ["version": try F.version(page), "_csrf": try #require(Browser.csrf(in: page))]).status == .seeOther)
            model = try #require(try await GrantApplicationModel.query(on: app.db).filter(\.$number == number).first())
            #expect(model.phase == "in_evaluation" && model.submittedAt == submittedAt)
            // A step the workflow does not allow from here: 409, nothing changes.
            let wrongRole = try await acton.sendJSON(.POST, "/api/v1/demandes-aide/\(number)/depot", ["version": model.version])
            #expect(wrongRole.status == .conflict)

            // Refused with reasons: the letter is in English, the applicant's language.
            let finances = Browser(app)
            try await finances.signIn("finances2@mtmd.test")
            let refused = try await finances.sendJSON(.POST, "/api/v1/demandes-aide/\(number)/decision",
                                                      ["decision": "refuse", "motifs": "Site outside the priority network.", "version": model.version])
            #expect(refused.status == .ok)
            let letter = try await acton.send(.GET, "/aide/\(number)/lettre").body.string
            #expect(letter.contains("we regret to inform you") && letter.contains("Site outside the priority network."))
            #expect(letter.contains("lang=\"en-CA\""))
            // Municipal portal: the file and its letter.
            let portal = try await acton.send(.GET, "/accueil").body.string
            #expect(portal.contains(number) && portal.contains("/aide/\(number)/lettre"))
        }
    }

    @Test func continuousIntakeDrawsOnTheProgramsEnvelopeAndAFormulaSharesItsOwnToTheCent() async throws {
        try await withPasserelle { app in
            app.now = F.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await F.people(app)
            let manager = Browser(app)
            try await manager.signIn("programmes@mtmd.test")
            let rdl = Browser(app)
            try await rdl.signIn("greffe@rdl.test")
            let pdf64 = Data(F.pdf).base64EncodedString()
            let filed = try await rdl.sendJSON(.POST, "/api/v1/organisations/\(F.rdl)/demandes-aide", [
                "programme": "transport-collectif", "titre": "Navette régionale", "resume": "Une navette vers Rimouski.",
                "reponses": ["deplacements": 12_000], "couts": [["libelle": "Exploitation", "montant_cents": 200_000_00]],
                "documents": [["exigence": "resolution", "nom": "r.pdf", "contenu_base64": pdf64],
                              ["exigence": "etats", "nom": "e.pdf", "contenu_base64": pdf64]],
                "deposer": true,
            ] as [String: Any])
            #expect(filed.status == .created)
            let number = try #require(try filed.object()["numero"] as? String)
            // Made and submitted in one change: version 1.
            let version = try #require(try filed.object()["version"] as? Int)
            #expect(version == 1)
            let finances = Browser(app)
            try await finances.signIn("finances2@mtmd.test")
            // No envelope yet for this fiscal year: refused, said so.
            let none = try await finances.sendJSON(.POST, "/api/v1/demandes-aide/\(number)/decision",
                                                   ["decision": "approve", "montant_cents": 150_000_00, "version": version])
            let noneCode = try none.object()["code"] as? String
            #expect(none.status == .unprocessableEntity && noneCode == "no_envelope")
            let csrf = try await manager.csrf(at: "/programmes/transport-collectif")
            #expect(try await manager.send(.POST, "/programmes/transport-collectif/enveloppes",
                                           form: ["exercice": "2026-2027", "region": "", "montant": "1 000 000,00", "_csrf": csrf]).status == .seeOther)
            let approved = try await finances.sendJSON(.POST, "/api/v1/demandes-aide/\(number)/decision",
                                                       ["decision": "approve", "montant_cents": 150_000_00, "version": version])
            let approvedPhase = try approved.object()["phase"] as? String
            #expect(approved.status == .ok && approvedPhase == "approved")
            let envelope = try #require(try await GrantEnvelopeModel.query(on: app.db).first())
            #expect(envelope.approvedCents == 150_000_00 && envelope.fiscalYear == "2026-2027")

            // The formula program: every municipality's share of 10 000 000 $, to the cent.
            let formulaCSRF = try await manager.csrf(at: "/programmes/securite-formule")
            #expect(try await manager.send(.POST, "/programmes/securite-formule/enveloppes",
                                           form: ["exercice": "2026-2027", "region": "", "montant": "10 000 000,00", "_csrf": formulaCSRF]).status == .seeOther)
            let page = try await manager.send(.GET, "/programmes/securite-formule/repartition?exercice=2026-2027")
            #expect(page.status == .ok && page.body.string.contains("Acton Vale"))
            #expect(AccessibilityCheck.problems(in: page.body.string).isEmpty)
            let csv = try await manager.send(.GET, "/programmes/securite-formule/repartition.csv?exercice=2026-2027").body.string
            let lines = csv.split(separator: "\r\n").dropFirst()
            #expect(lines.count == (try await OrganisationModel.query(on: app.db).filter(\.$kind == .municipality).filter(\.$active == true).count()))
            let cents = lines.compactMap { line -> Int64? in
                guard let amount = line.split(separator: ",").last, let value = Double(amount) else { return nil }
                return Int64((value * 100).rounded())
            }
            #expect(cents.reduce(0, +) == 10_000_000_00)
            #expect(cents.allSatisfy { $0 >= 5_000_00 || $0 == 0 })
            // Not for the municipalities.
            #expect(try await rdl.send(.GET, "/programmes/securite-formule/repartition").status == .forbidden)
        }
    }
}

@Suite struct GrantDemoTests {
    @Test func theDemoDecidesLastYearsCallsWithinTheirEnvelopes() async throws {
        try await withPasserelle { app in
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            let report = try await GrantDemoGenerator().generate(scale: 1, app: app)
            #expect(report.hasSuffix("6 appels de projets"))
            let applications = try await GrantApplicationModel.query(on: app.db).count()
            #expect(applications > 1_900)
            // Last year's calls: approved in rank order, never beyond the envelope.
            for call in try await GrantCallModel.query(on: app.db).filter(\.$code ~~ ["paffsr-2025", "tapu-2025", "firm-2025"])
                .with(\.$program).with(\.$envelope).all() {
                let envelope = call.envelope
                #expect(envelope.approvedCents > 0 && envelope.approvedCents <= envelope.totalCents)
                let ranking = try await Grants.ranking(call, on: app.db)
                let rows = try await Grants.details(ranking, 0..<ranking.ranked.count, call: call, territory: app.territory.current, on: app.db)
                #expect(rows.count == ranking.ranked.count)
                let approved = rows.filter { $0.phase == "approved" }
                #expect(approved.count == ranking.lastFunded)
                #expect(approved.allSatisfy { $0.ranked.funded })
            }
            // This year's calls are open, their evaluated files scored.
            let open = try #require(try await GrantCallModel.query(on: app.db).filter(\.$code == "paffsr-2026").first())
            #expect(open.isOpen(at: app.now))
            let unscored = try await GrantApplicationModel.query(on: app.db).filter(\.$phase == "evaluated").filter(\.$score == nil).count()
            #expect(unscored == 0)
            // The counter continues after the demo's numbers.
            let last = try await GrantApplicationModel.query(on: app.db).sort(\.$number, .descending).first()?.number
            #expect(try await Grants.nextNumber(year: 2026, on: app.db) > (last ?? ""))

            // Last year's approved applications get their signed agreements: the first instalment paid, the schedule in both calendars.
            let agreements = try await AgreementDemoGenerator().generate(scale: 1, app: app)
            let approvedCount = try await GrantApplicationModel.query(on: app.db).filter(\.$phase == "approved").count()
            #expect(agreements.hasPrefix("\(approvedCount) conventions"))
            #expect(try await AgreementModel.query(on: app.db).filter(\.$state == "in_force").count() == approvedCount)
            #expect(try await AgreementPaymentModel.query(on: app.db).filter(\.$state == "paid").count() == approvedCount)
            let paid = try await AgreementModel.query(on: app.db).all().reduce(Int64(0)) { $0 + $1.paidCents }
            let paidRows = try await AgreementPaymentModel.query(on: app.db).filter(\.$state == "paid").all().reduce(Int64(0)) { $0 + $1.cents }
            #expect(paid == paidRows && paid > 0)
            #expect(try await AgreementReportModel.query(on: app.db).filter(\.$state == "submitted").count() == approvedCount / 3)
            // Run again: nothing twice.
            #expect(try await AgreementDemoGenerator().generate(scale: 1, app: app).hasPrefix("0 conventions"))
        }
    }
}

@Suite struct GrantRankingRowTests {
    @Test func aRankingRowIsReadInOnePass() throws {
        let entry = try #require(Grants.rankingEntry("AF-2026-000123|5000000|835000|1790930307968|[1,20,300]"))
        #expect(entry.number == "AF-2026-000123" && entry.asked == 5_000_000 && entry.score == 835_000)
        #expect(entry.submitted == 1_790_930_307_968 && entry.parts == [1, 20, 300])
        #expect(try #require(Grants.rankingEntry("AF-2026-000001|1|2|3|")).parts.isEmpty)
        #expect(Grants.rankingEntry("AF-2026-000001|1|2") == nil)
        #expect(Grants.rankingEntry("nothing") == nil)
    }
}
