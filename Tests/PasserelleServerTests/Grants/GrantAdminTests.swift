import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

/// The SGAF's administration: programs edited into versions, evaluators assigned in bulk, and
/// the dashboard across programs.
@Suite struct GrantAdminTests {
    static func body(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    /// The editor's form as the page sends it: every field of `Form` and of the program's questions, lists as `name[]`.
    static func pairs(_ form: GrantProgramEditor.Form, csrf: String, questions: [RequestField]) -> [(String, String)] {
        var pairs = [("_csrf", csrf)]
        for child in Array(Mirror(reflecting: form).children) + Array(Mirror(reflecting: Questions.Rows(questions: questions)).children) {
            guard let name = child.label else { continue }
            switch child.value {
            case let value as String?: if let value { pairs.append((name, value)) }
            case let value as Int?: if let value { pairs.append((name, String(value))) }
            case let values as [String]?: for value in values ?? [] { pairs.append((name + "[]", value)) }
            default: break
            }
        }
        return pairs
    }

    static func file(_ browser: Browser, _ organisation: String, title: String, submit: Bool) async throws -> String {
        let pdf64 = Data(GrantFlowTests.pdf).base64EncodedString()
        let response = try await browser.sendJSON(.POST, "/api/v1/organisations/\(organisation)/demandes-aide", [
            "appel": "paffsr-2026", "titre": title, "resume": "Un projet de sécurité routière.",
            "reponses": ["site": "Rue Principale", "collisions": 2],
            "couts": [["libelle": "Travaux", "montant_cents": 80_000_00]],
            "documents": [["exigence": "resolution", "nom": "resolution.pdf", "contenu_base64": pdf64],
                          ["exigence": "plans", "nom": "plans.pdf", "contenu_base64": pdf64]],
            "deposer": submit,
        ] as [String: Any])
        #expect(response.status == .created)
        return try #require(try response.object()["numero"] as? String)
    }

    @Test func administratorsEditAProgramIntoVersionsThatApplicationsUnderWayIgnore() async throws {
        try await withPasserelle { app in
            app.now = GrantFlowTests.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await GrantFlowTests.people(app)
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-soutien", .administrator)])
            let manager = try await GrantFlowTests.openCall(app, total: "500 000,00")
            let acton = Browser(app)
            try await acton.signIn("greffe@actonvale.test")
            // A draft begun under the first version of the workflow.
            let before = try await Self.file(acton, GrantFlowTests.acton, title: "Traverse surélevée", submit: false)

            // The editor is the administrators'.
            #expect(try await manager.send(.GET, "/programmes/paffsr/modifier").status == .forbidden)
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let programPage = try await admin.send(.GET, "/programmes/paffsr").body.string
            #expect(programPage.contains("/programmes/paffsr/modifier"))
            let edit = try await admin.send(.GET, "/programmes/paffsr/modifier")
            #expect(edit.status == .ok)
            #expect(AccessibilityCheck.problems(in: edit.body.string).isEmpty)
            let csrf = try #require(Browser.csrf(in: edit.body.string))
            let program = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            let original = GrantProgramEditor.Form(ProgramSnapshot(program), version: program.version)
            #expect(edit.body.string.contains(#"value="1000000.00""#))

            // Bad input: a grid line that cannot be read, weights that do not add up, no reason. Nothing saved; all typed kept.
            var bad = original
            bad.ceiling = "750 000,00"
            bad.grid = (original.grid ?? "") + "\nsans | poids"
            bad.reason = ""
            let refused = try await admin.send(.POST, "/programmes/paffsr/modifier", body: Self.body(Self.pairs(bad, csrf: csrf, questions: program.fields)))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("#champ-grid") && refused.body.string.contains("#champ-reason"))
            #expect(refused.body.string.contains("Ces lignes ne peuvent pas être lues : 6."))
            #expect(refused.body.string.contains(#"value="750 000,00""#))
            var weights = original
            weights.grid = (original.grid ?? "").replacingOccurrences(of: "| 30 |", with: "| 35 |")
            weights.reason = "Essai"
            let unbalanced = try await admin.send(.POST, "/programmes/paffsr/modifier", body: Self.body(Self.pairs(weights, csrf: csrf, questions: program.fields)))
            #expect(unbalanced.status == .unprocessableEntity && unbalanced.body.string.contains("totaliser 100"))
            #expect(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first()?.version == 1)

            // A new version: a lower ceiling, and a workflow where a draft can no longer be withdrawn.
            var next = original
            next.ceiling = "750 000,00"
            var workflow = program.workflow
            for i in workflow.transitions.indices where workflow.transitions[i].event == "withdraw" {
                workflow.transitions[i].from.removeAll { $0 == "draft" }
            }
            next.workflow = GrantProgramEditor.Form.pretty(workflow)
            next.reason = "Plafond révisé par le décret 1234-2026"
            let saved = try await admin.send(.POST, "/programmes/paffsr/modifier", body: Self.body(Self.pairs(next, csrf: csrf, questions: program.fields)))
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == "/programmes/paffsr/versions?enregistre=2")
            let updated = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            #expect(updated.version == 2 && updated.terms.ceilingCents == 750_000_00 && updated.workflow.version == 2)
            // The same form again is stale.
            #expect(try await admin.send(.POST, "/programmes/paffsr/modifier", body: Self.body(Self.pairs(next, csrf: csrf, questions: program.fields))).status == .conflict)

            // Both versions stay readable, each as it was.
            let versions = try await admin.send(.GET, "/programmes/paffsr/versions?enregistre=2")
            #expect(versions.status == .ok && AccessibilityCheck.problems(in: versions.body.string).isEmpty)
            #expect(versions.body.string.contains("Plafond révisé par le décret 1234-2026") && versions.body.string.contains("conditions, processus"))
            #expect(try await admin.send(.GET, "/programmes/paffsr/versions/1").body.string.contains("1\u{00A0}000\u{00A0}000,00\u{00A0}$"))
            let second = try await admin.send(.GET, "/programmes/paffsr/versions/2").body.string
            #expect(second.contains("750\u{00A0}000,00\u{00A0}$") && AccessibilityCheck.problems(in: second).isEmpty)
            #expect(try await admin.send(.GET, "/programmes/paffsr/versions/9").status == .notFound)
            let journal = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "grants.program.update").first())
            #expect(journal.recordID == "paffsr")

            // The draft begun before follows its own version and may still be withdrawn; a new one may not.
            let after = try await Self.file(acton, GrantFlowTests.acton, title: "Saillies de trottoir", submit: false)
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == after).first()?.workflowVersion == 2)
            func withdraw(_ number: String) async throws -> TestingHTTPResponse {
                let html = try await acton.send(.GET, "/aide/\(number)").body.string
                return try await acton.send(.POST, "/aide/\(number)/evenements", form: [
                    "event": "withdraw", "version": try GrantFlowTests.version(html), "_csrf": try #require(Browser.csrf(in: html))])
            }
            #expect(try await withdraw(before).status == .seeOther)
            #expect(try await GrantApplicationModel.query(on: app.db).filter(\.$number == before).first()?.phase == "withdrawn")
            #expect(try await withdraw(after).status == .unprocessableEntity)

            // The grid cannot change while scored applications await a decision.
            let scored = try await Self.file(acton, GrantFlowTests.acton, title: "Afficheurs", submit: true)
            try await app.db.sql.update(GrantApplicationModel.schema).set("score_parts", to: SQLBind("[1,2,3,4,5]"))
                .where("number", .equal, SQLBind(scored)).run()
            var regrid = GrantProgramEditor.Form(ProgramSnapshot(updated), version: updated.version)
            regrid.grid = (regrid.grid ?? "").replacingOccurrences(of: "| 30 | 10", with: "| 30 | 20")
            regrid.reason = "Pondérations"
            let inUse = try await admin.send(.POST, "/programmes/paffsr/modifier", body: Self.body(Self.pairs(regrid, csrf: csrf, questions: program.fields)))
            #expect(inUse.status == .unprocessableEntity && inUse.body.string.contains("La grille ne peut pas changer"))
        }
    }

    @Test func administratorsEditTheIndicatorsReportsAsk() async throws {
        try await withPasserelle { app in
            try await GrantFlowTests.people(app)
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-soutien", .administrator)])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let edit = try await admin.send(.GET, "/programmes/paffsr/modifier").body.string
            let csrf = try #require(Browser.csrf(in: edit))
            let program = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            let shipped = program.indicators
            #expect(!shipped.isEmpty)
            // The shipped indicators are in the form, under their own names.
            #expect(edit.contains(#"name="i_code[]" value="\#(shipped[0].code)""#))
            var form = GrantProgramEditor.Form(ProgramSnapshot(program), version: program.version)
            form.reason = "Indicateur des arbres plantés"
            // A file cannot be an indicator: refused on its row, everything typed kept.
            form.i_code = (form.i_code ?? []) + ["photos"]
            form.i_kind = (form.i_kind ?? []) + ["file"]
            form.i_label_fr = (form.i_label_fr ?? []) + ["Photos"]
            form.i_label_en = (form.i_label_en ?? []) + ["Photos"]
            let refused = try await admin.send(.POST, "/programmes/paffsr/modifier",
                                               body: Self.body(Self.pairs(form, csrf: csrf, questions: program.fields)))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("L’indicateur « photos » ne peut pas être un fichier"))
            #expect(refused.body.string.contains(#"name="i_code[]" value="photos""#))
            #expect(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first()?.indicators == shipped)
            // A number instead: a new version whose report asks it.
            form.i_code![shipped.count] = "arbres"
            form.i_kind![shipped.count] = "number"
            form.i_label_fr![shipped.count] = "Arbres plantés"
            form.i_label_en![shipped.count] = "Trees planted"
            form.i_required = (form.i_required ?? []) + [String(shipped.count)]
            let saved = try await admin.send(.POST, "/programmes/paffsr/modifier",
                                             body: Self.body(Self.pairs(form, csrf: csrf, questions: program.fields)))
            #expect(saved.status == .seeOther)
            let updated = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            #expect(updated.indicators.map(\.code) == shipped.map(\.code) + ["arbres"])
            #expect(updated.indicators.last?.required == true && updated.indicators.last?.kind == .number)
            #expect(updated.fields == program.fields && updated.terms == program.terms)
            let versions = try await admin.send(.GET, "/programmes/paffsr/versions").body.string
            #expect(versions.contains("indicateurs"))
            #expect(try await admin.send(.GET, "/programmes/paffsr/versions/2").body.string.contains("Arbres plantés"))
            let journal = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "grants.program.update").first())
            #expect(journal.changes.contains("arbres"))
        }
    }

    @Test func evaluatorsAreAssignedInBulkAroundTheirConflicts() async throws {
        try await withPasserelle { app in
            app.now = GrantFlowTests.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await GrantFlowTests.people(app)
            let manager = try await GrantFlowTests.openCall(app, total: "500 000,00")
            let acton = Browser(app), firm = Browser(app)
            try await acton.signIn("greffe@actonvale.test")
            try await firm.signIn("firme@conseil.test")
            var numbers: [String] = []
            for title in ["Traverse", "Saillies", "Afficheurs"] {
                numbers.append(try await Self.file(acton, GrantFlowTests.acton, title: title, submit: true))
            }
            let abercorn = try await Self.file(firm, GrantFlowTests.abercorn, title: "Trottoir", submit: true)
            // eval1 lives in Acton Vale.
            let eval1 = Browser(app)
            try await eval1.signIn("eval1@mtmd.test")
            // Need-to-know: an evaluator opens only the files assigned to them.
            #expect(try await eval1.send(.GET, "/aide/\(abercorn)").status == .forbidden)
            let html = try await eval1.send(.GET, "/mon-compte").body.string
            #expect(try await eval1.send(.POST, "/aide/conflits", form: ["organisation": GrantFlowTests.acton, "motif": "Résident",
                                                                       "retour": "/aide", "_csrf": try #require(Browser.csrf(in: html))]).status == .seeOther)

            #expect(try await acton.send(.GET, "/appels/paffsr-2026/evaluateurs").status == .forbidden)
            let page = try await manager.send(.GET, "/appels/paffsr-2026/evaluateurs")
            #expect(page.status == .ok && AccessibilityCheck.problems(in: page.body.string).isEmpty)
            let csrf = try #require(Browser.csrf(in: page.body.string))
            var ids: [String] = []
            for email in ["eval1@mtmd.test", "eval2@mtmd.test", "eval3@mtmd.test"] {
                ids.append(try #require(try await PersonModel.query(on: app.db).filter(\.$email == email).first()?.id).uuidString)
            }
            func assign(_ chosen: [String], perFile: String) async throws -> TestingHTTPResponse {
                try await manager.send(.POST, "/appels/paffsr-2026/evaluateurs",
                                       body: Self.body([("_csrf", csrf), ("par_dossier", perFile)] + chosen.map { ("evaluateurs[]", $0) }))
            }
            // Bad input: no one chosen; more per file than chosen. Nothing assigned.
            let none = try await assign([], perFile: "2")
            #expect(none.status == .unprocessableEntity && none.body.string.contains("#champ-evaluateurs"))
            let tooMany = try await assign(Array(ids.prefix(2)), perFile: "3")
            #expect(tooMany.status == .unprocessableEntity && tooMany.body.string.contains("#champ-par_dossier"))
            #expect(try await GrantEvaluatorModel.query(on: app.db).count() == 0)

            // Two per file: Acton Vale's files go to eval2 and eval3 only.
            let done = try await assign(ids, perFile: "2")
            #expect(done.status == .ok && done.body.string.contains("8 assignations faites à 3 évaluateurs"))
            let rows = try await GrantEvaluatorModel.query(on: app.db).with(\.$application).with(\.$person).all()
            #expect(rows.count == 8)
            #expect(!rows.contains { $0.person.email == "eval1@mtmd.test" && $0.application.number != abercorn })
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "grants.evaluator.assign").count() == 8)
            // One message per evaluator: eval1 has one file, the others several.
            let outbox = try await OutboxMessageModel.query(on: app.db).filter(\.$kind ~~ ["grant_assigned", "grant_assigned_many"]).all()
            #expect(outbox.count == 3)
            #expect(outbox.first { $0.recipient == "eval1@mtmd.test" }?.kind == "grant_assigned")
            #expect(outbox.first { $0.recipient == "eval2@mtmd.test" }?.subject.hasSuffix("demandes à évaluer") == true)

            // Three per file: Acton Vale's files cannot get a third, and are named.
            let short = try await assign(ids, perFile: "3")
            #expect(short.status == .ok && short.body.string.contains("1 assignations faites"))
            #expect(short.body.string.contains("3 demandes n&#39;ont pas pu") || short.body.string.contains("3 demandes n'ont pas pu"))
            for number in numbers { #expect(short.body.string.contains(number)) }

            // The evaluator's own list of files to score.
            let eval2 = Browser(app)
            try await eval2.signIn("eval2@mtmd.test")
            let mine = try await eval2.send(.GET, "/aide?a_evaluer=1").body.string
            #expect(mine.contains(numbers[0]) && mine.contains(abercorn))
            #expect(try await eval1.send(.GET, "/aide?a_evaluer=1").body.string.contains(numbers[0]) == false)
        }
    }

    @Test func theDashboardAcrossProgramsAddsUpTheYear() async throws {
        try await withPasserelle { app in
            app.now = GrantFlowTests.instant("2026-11-21T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 11, day: 21)!
            try await GrantFlowTests.people(app)
            let manager = try await GrantFlowTests.openCall(app, total: "500 000,00")
            let acton = Browser(app)
            try await acton.signIn("greffe@actonvale.test")
            _ = try await Self.file(acton, GrantFlowTests.acton, title: "Traverse", submit: true)
            _ = try await Self.file(acton, GrantFlowTests.acton, title: "Saillies", submit: true)
            _ = try await Self.file(acton, GrantFlowTests.acton, title: "Brouillon", submit: false)

            #expect(try await acton.send(.GET, "/aide/tableau").status == .forbidden)
            let page = try await manager.send(.GET, "/aide/tableau")
            #expect(page.status == .ok && page.body.string.contains("<svg"))
            #expect(page.body.string.contains("exercice 2026-2027"))
            #expect(AccessibilityCheck.problems(in: page.body.string).isEmpty)
            // Two submitted (the draft is not), 80 000 $ asked each at half: 80 000 $ requested; a 500 000 $ envelope.
            let csv = try await manager.send(.GET, "/aide/tableau.csv?exercice=2026-2027").body.string
            let paffsr = try #require(csv.split(separator: "\r\n").first { $0.contains("sécurité routière") })
            #expect(paffsr.hasPrefix("2026-2027,") && paffsr.hasSuffix(",2,2,0,0,80000.00,500000.00,0.00,0.00,500000.00"))
            #expect(csv.contains("2026-2027,Montérégie,2,80000.00"))
            // Another year has none of it.
            let before = try await manager.send(.GET, "/aide/tableau.csv?exercice=2025-2026").body.string
            #expect(!before.contains("80000.00"))
        }
    }
}
