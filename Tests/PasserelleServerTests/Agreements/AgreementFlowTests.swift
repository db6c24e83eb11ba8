import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import VaporTesting

@Suite struct AgreementFlowTests {
    /// Acton Vale's PAFFSR application (80 000 $ of costs, 40 000 $ asked), approved by an officer
    /// whose authority covers it.
    static func approvedApplication(_ app: Application) async throws -> (manager: Browser, acton: Browser, number: String) {
        try await GrantFlowTests.people(app)
        let manager = try await GrantFlowTests.openCall(app, total: "500 000,00")
        let acton = Browser(app)
        try await acton.signIn("greffe@actonvale.test")
        let number = try await GrantAdminTests.file(acton, GrantFlowTests.acton, title: "Traverse surélevée rue Principale", submit: true)
        let finances = Browser(app)
        try await finances.signIn("finances2@mtmd.test")
        let html = try await finances.send(.GET, "/aide/\(number)").body.string
        let decided = try await finances.send(.POST, "/aide/\(number)/decision", form: [
            "kind": "approve", "montant": "40 000,00", "version": try GrantFlowTests.version(html), "_csrf": try #require(Browser.csrf(in: html))])
        #expect(decided.status == .seeOther)
        return (manager, acton, number)
    }

    static func post(_ browser: Browser, _ page: String, _ action: String, _ fields: [String: String]) async throws -> TestingHTTPResponse {
        let html = try await browser.send(.GET, page).body.string
        var form = fields
        form["_csrf"] = try #require(Browser.csrf(in: html))
        if form["version"] == nil, let version = AccessibilityCheck.matches(#"name="version" value="(\d+)""#, in: html).first {
            form["version"] = version
        }
        return try await browser.send(.POST, action, form: form)
    }

    @Test func thePAFFSRDecisionBecomesAnAgreementPaidOverFourGovernmentYears() async throws {
        try await withPasserelle { app in
            app.now = GrantFlowTests.instant("2026-12-01T15:00:00Z")
            app.today = CalendarDate(year: 2026, month: 12, day: 1)!
            let (manager, acton, application) = try await Self.approvedApplication(app)

            // The agreement from the decision: three years, three instalments each released by a report, 10 % held back.
            let form = try await manager.send(.GET, "/aide/\(application)/convention")
            #expect(form.status == .ok && AccessibilityCheck.problems(in: form.body.string).isEmpty)
            let bad = try await Self.post(manager, "/aide/\(application)/convention", "/aide/\(application)/convention",
                                          ["mois": "0", "versements": "3", "retenue": "80", "mode": "milestones"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("#champ-mois") && bad.body.string.contains("#champ-retenue"))
            let created = try await Self.post(manager, "/aide/\(application)/convention", "/aide/\(application)/convention",
                                              ["mois": "36", "versements": "3", "retenue": "10", "mode": "milestones",
                                               "conditions": "Travaux terminés avant le 31 octobre 2028."])
            #expect(created.status == .seeOther)
            let path = try #require(created.headers.first(name: .location))
            #expect(path == "/conventions/CA-2026-000001")
            // A second agreement for the same decision is not made.
            #expect(try await manager.send(.GET, "/aide/\(application)/convention").headers.first(name: .location) == path)

            // Both sides sign: the mandataire and another municipality cannot; Acton Vale's clerk and the program manager do.
            let rdl = Browser(app)
            try await rdl.signIn("greffe@rdl.test")
            #expect(try await rdl.send(.GET, path).status == .forbidden)
            let unsigned = try await acton.send(.GET, path).body.string
            let signForm = ["_csrf": try #require(Browser.csrf(in: unsigned)), "version": try GrantFlowTests.version(unsigned)]
            #expect(try await acton.send(.POST, path + "/signature", form: signForm).status == .seeOther)
            // The same form again: refused, and the page no longer offers it.
            #expect(try await acton.send(.POST, path + "/signature", form: signForm).status == .conflict)
            #expect(!(try await acton.send(.GET, path).body.string.contains("/signature")))
            var agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.state == "awaiting_signatures" && agreement.municipalitySignedAt != nil)
            #expect(try await Self.post(manager, path, path + "/signature", [:]).status == .seeOther)
            agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.state == "in_force" && agreement.amountCents == 40_000_00)

            // The schedule: four lines over four government years, each with both fiscal years. They are
            // the plan's until something happens to them: no payment is a row yet, only the first report;
            // the first instalment's day is where the payment runs look.
            #expect(try await AgreementPaymentModel.query(on: app.db).count() == 0)
            #expect(try await AgreementReportModel.query(on: app.db).all().map(\.sequence) == [1])
            #expect(agreement.nextPlannedOn == "2026-12-01")
            let (payments, reports) = try await Agreements.schedule(of: agreement, on: app.db)
            #expect(payments.map(\.dueOn) == ["2026-12-01", "2027-12-01", "2028-12-01", "2029-12-01"])
            #expect(payments.map(\.cents) == [12_000_00, 12_000_00, 12_000_00, 4_000_00])
            #expect(payments.map(\.governmentYear) == ["2026-2027", "2027-2028", "2028-2029", "2029-2030"])
            #expect(payments.map(\.municipalYear) == [2026, 2027, 2028, 2029])
            #expect(payments.map(\.release) == ["date", "report:1", "report:2", "final"])
            #expect(payments.map(\.state) == ["planned", "awaiting_report", "awaiting_report", "awaiting_report"])
            #expect(reports.map(\.dueOn) == ["2027-11-01", "2028-11-01", "2029-12-01"] && reports.map(\.isFinal) == [false, false, true])
            #expect(reports.map(\.state) == ["expected", "planned", "planned"])
            // One municipality, one view: the plan is to come, year by year.
            let planned = try await AgreementQueries.standing(of: agreement.$organisation.id, on: app.db)
            #expect(planned.byYear.map(\.year) == ["2026-2027", "2027-2028", "2028-2029", "2029-2030"])
            #expect(planned.byYear.map(\.toCome) == [12_000_00, 12_000_00, 12_000_00, 4_000_00] && planned.toCome == 40_000_00)
            // The same through the API, for Acton Vale's finance system; Rivière-du-Loup sees none of it.
            let api = try await acton.send(.GET, "/api/v1" + path)
            #expect(api.status == .ok)
            let document = try api.object()
            #expect(document["etat"] as? String == "in_force" && document["montant_cents"] as? Int == 40_000_00)
            let lines = try #require(document["versements"] as? [[String: Any]])
            #expect(lines.map { $0["exercice_gouvernemental"] as? String } == ["2026-2027", "2027-2028", "2028-2029", "2029-2030"])
            #expect(lines.map { $0["liberation"] as? String } == ["date", "report:1", "report:2", "final"])
            #expect((document["rapports"] as? [[String: Any]])?.count == 3)
            let mine = try await acton.send(.GET, "/api/v1/conventions").json() as? [[String: Any]]
            #expect(mine?.map { $0["numero"] as? String } == ["CA-2026-000001"])
            #expect(try await rdl.send(.GET, "/api/v1" + path).status == .forbidden)
            let none = try await rdl.send(.GET, "/api/v1/conventions")
            let noneListed = try none.json() as? [Any]
            #expect(none.status == .ok && noneListed?.isEmpty == true && none.headers.first(name: "X-Total-Count") == "0")
            let page = try await acton.send(.GET, path)
            #expect(page.status == .ok && AccessibilityCheck.problems(in: page.body.string).isEmpty)
            #expect(page.body.string.contains("2029-2030") && page.body.string.contains("Attend un rapport"))

            // Reminders of the first report, two weeks ahead, once a week at most, to Acton Vale's people.
            #expect(try await ReportReminders.run(today: CalendarDate(year: 2027, month: 10, day: 10)!, app: app) == 0)
            #expect(try await ReportReminders.run(today: CalendarDate(year: 2027, month: 10, day: 20)!, app: app) == 1)
            #expect(try await ReportReminders.run(today: CalendarDate(year: 2027, month: 10, day: 22)!, app: app) == 0)
            let reminder = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$kind == "agreement_report_due").first())
            #expect(reminder.recipient == "greffe@actonvale.test" && reminder.subject == "CA-2026-000001 : rapport d'étape attendu le 1er\u{00A0}novembre 2027")

            // A run: the first instalment is due; the officer approves within their 50 000 $; the file for accounting.
            let finances = Browser(app)
            try await finances.signIn("finances1@mtmd.test")
            func run(on day: String) async throws -> String {
                let prepared = try await Self.post(finances, "/paiements", "/paiements/lots", ["date": day])
                #expect(prepared.status == .seeOther)
                let location = try #require(prepared.headers.first(name: .location))
                let runPath = String(location.split(separator: "?")[0])
                #expect(try await Self.post(finances, runPath, runPath + "/approbation", [:]).status == .seeOther)
                return runPath
            }
            // What a run of today would take, before it writes the plan's first payment.
            #expect(try await finances.send(.GET, "/paiements").body.string.contains("12\u{00A0}000,00\u{00A0}$"))
            let first = try await run(on: "2026-12-01")
            let csv = try await finances.send(.GET, first + "/export.csv").body.string
            #expect(csv.contains("CA-2026-000001,1,instalment,mun-48028,Acton Vale,paffsr,MTMD-PAFFSR-2627,2026-2027,2026,2026-12-01,12000.00"))
            #expect(try await Self.post(finances, first, first + "/confirmation", [:]).status == .seeOther)
            agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.paidCents == 12_000_00 && agreement.inRunCents == 0)
            // The second instalment waits for its report: a run now takes nothing of it.
            let empty = try await run(on: "2027-12-31")
            #expect(try await PaymentRunModel.query(on: app.db).filter(\.$number == String(empty.split(separator: "/").last!)).first()?.count == 0)

            // Report 1: Acton Vale submits (a missing indicator is refused on its field), the ministry accepts, the second payment is released.
            func submit(_ sequence: Int, _ fields: [String: String]) async throws -> TestingHTTPResponse {
                try await Self.post(acton, path, "\(path)/rapports/\(sequence)", fields)
            }
            let incomplete = try await submit(1, ["champ_collisions_avant": "", "champ_realisations": "Traverse construite", "couts": "50 000,00"])
            #expect(incomplete.status == .unprocessableEntity && incomplete.body.string.contains("#champ-champ_collisions_avant"))
            #expect(incomplete.body.string.contains("Traverse construite"))
            #expect(try await submit(1, ["champ_collisions_avant": "4", "champ_realisations": "Traverse construite", "couts": "50 000,00"]).status
                == .seeOther)
            func review(_ sequence: Int, accept: Bool, note: String = "") async throws -> TestingHTTPResponse {
                let html = try await manager.send(.GET, path).body.string
                let version = String(try #require(try await AgreementReportModel.query(on: app.db).filter(\.$sequence == sequence).first()).version)
                return try await manager.send(.POST, "\(path)/rapports/\(sequence)/revue", form: [
                    "decision": accept ? "accept" : "send_back", "note": note, "version": version, "_csrf": try #require(Browser.csrf(in: html))])
            }
            #expect(try await review(1, accept: false).status == .unprocessableEntity)
            #expect(try await review(1, accept: true).status == .seeOther)
            #expect(try await AgreementPaymentModel.query(on: app.db).filter(\.$sequence == 2).first()?.state == "due")
            let second = try await run(on: "2027-01-15")
            #expect(try await Self.post(finances, second, second + "/confirmation", [:]).status == .seeOther)

            // A payment that slips into the next year carries its commitment over.
            #expect(try await Self.post(manager, path, path + "/report", ["versement": "3", "date": "2029-04-15",
                                                                          "motif": "Travaux retardés"]).status == .seeOther)
            let slipped = try #require(try await AgreementPaymentModel.query(on: app.db).filter(\.$sequence == 3).first())
            #expect(slipped.governmentYear == "2029-2030" && slipped.plannedOn == "2028-12-01" && slipped.municipalYear == 2029)

            // Report 2 and the final report: the third payment and the holdback are released and paid; the agreement closes.
            #expect(try await submit(2, ["champ_collisions_avant": "4", "champ_realisations": "Saillies", "couts": "70 000,00"]).status == .seeOther)
            #expect(try await review(2, accept: true).status == .seeOther)
            #expect(try await submit(3, ["champ_collisions_avant": "4", "champ_collisions_apres": "1", "champ_realisations": "Terminé",
                                         "couts": "82 000,00"]).status == .seeOther)
            // The holdback is still the plan's: a report accepted opens the next one; the final one writes the holdback, due.
            #expect(try await AgreementPaymentModel.query(on: app.db).filter(\.$sequence == 4).first() == nil)
            #expect(try await Agreements.schedule(of: agreement, on: app.db).payments.last?.state == "awaiting_report")
            #expect(try await AgreementReportModel.query(on: app.db).sort(\.$sequence).all().map(\.state) == ["accepted", "accepted", "submitted"])
            #expect(try await review(3, accept: true).status == .seeOther)
            #expect(try await AgreementPaymentModel.query(on: app.db).filter(\.$sequence == 4).first()?.state == "due")
            let last = try await run(on: "2027-02-01")
            #expect(try await PaymentRunModel.query(on: app.db).filter(\.$number == String(last.split(separator: "/").last!)).first()?.totalCents
                == 16_000_00)
            #expect(try await Self.post(finances, last, last + "/confirmation", [:]).status == .seeOther)
            agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.paidCents == 40_000_00 && agreement.state == "closed")

            // One municipality, one view: Acton Vale's, for itself and the ministry, not for Rivière-du-Loup; rolled up by region and MRC.
            let standing = try await acton.send(.GET, "/organisations/mun-48028/aide-financiere")
            #expect(standing.status == .ok && AccessibilityCheck.problems(in: standing.body.string).isEmpty)
            #expect(standing.body.string.contains("40\u{00A0}000,00\u{00A0}$") && standing.body.string.contains("CA-2026-000001"))
            #expect(try await manager.send(.GET, "/organisations/mun-48028/aide-financiere").status == .ok)
            #expect(try await rdl.send(.GET, "/organisations/mun-48028/aide-financiere").status == .forbidden)
            let regions = try await manager.send(.GET, "/aide/vue").body.string
            #expect(regions.contains("Montérégie (16)") && regions.contains("/aide/vue?region=16"))
            let mrcs = try await manager.send(.GET, "/aide/vue?region=16")
            #expect(mrcs.status == .ok && mrcs.body.string.contains("Acton") && AccessibilityCheck.problems(in: mrcs.body.string).isEmpty)

            // Open data: the award in 360Giving, valid against the official schema; public fields only.
            let open = try await app.testing().sendRequest(.GET, "/donnees/aide-financiere.json")
            #expect(open.status == .ok)
            let package = try #require(try JSONSerialization.jsonObject(with: Data(open.body.string.utf8)) as? [String: Any])
            let grants = try #require(package["grants"] as? [[String: Any]])
            #expect(grants.count == 1 && grants[0]["id"] as? String == "360G-mtmdqc-CA-2026-000001")
            #expect(grants[0]["amountAwarded"] as? Double == 40_000 && grants[0]["currency"] as? String == "CAD")
            #expect(!open.body.string.contains("greffe@") && !open.body.string.contains("collisions"))
            try PythonCheck.run("360giving", input: open.body.string, expect: ["360G-mtmdqc-CA-2026-000001", "Acton Vale"])
            let openCSV = try await app.testing().sendRequest(.GET, "/donnees/aide-financiere.csv").body.string
            #expect(openCSV.contains("360G-mtmdqc-CA-2026-000001,Traverse surélevée rue Principale"))

            // The journal has it all, and its chain holds.
            let actions = Set(try await AuditEventModel.query(on: app.db).all().map(\.action))
            for action in ["agreements.create", "agreements.sign", "agreements.report.submit", "agreements.report.accept",
                           "agreements.payment.carry_over", "agreements.run.prepare", "agreements.run.approve", "agreements.run.confirm"] {
                #expect(actions.contains(action), "journal: \(action)")
            }
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))
        }
    }

    /// A framework agreement with Montréal, signed by both sides.
    static func frameworkInForce(_ app: Application, title: String, amount: String, months: String, instalments: String, holdback: String = "")
        async throws -> (manager: Browser, montreal: Browser, path: String) {
        app.now = GrantFlowTests.instant("2026-12-01T15:00:00Z")
        app.today = CalendarDate(year: 2026, month: 12, day: 1)!
        try await IdentityFixtures.person("programmes@mtmd.test", on: app, roles: [("unite-soutien", .programManager)])
        try await IdentityFixtures.person("rse@montreal.test", on: app, roles: [("mun-66023", .rse)])
        let manager = Browser(app), montreal = Browser(app)
        try await manager.signIn("programmes@mtmd.test")
        try await montreal.signIn("rse@montreal.test")
        let created = try await post(manager, "/conventions/nouvelle", "/conventions", [
            "titre": title, "organisation": "mun-66023", "montant": amount, "mois": months, "versements": instalments, "retenue": holdback,
            "mode": "fixed_dates"])
        #expect(created.status == .seeOther)
        let path = try #require(created.headers.first(name: .location))
        #expect(try await post(montreal, path, path + "/signature", [:]).status == .seeOther)
        #expect(try await post(manager, path, path + "/signature", [:]).status == .seeOther)
        return (manager, montreal, path)
    }

    @Test func anAmendmentKeepsWhatIsPaidAndItsEarlierRevision() async throws {
        try await withPasserelle { app in
            // A framework agreement (Réflexe Montréal), five yearly transfers.
            let (manager, montreal, path) = try await Self.frameworkInForce(app, title: "Entente-cadre Réflexe Montréal", amount: "5 000 000,00",
                                                                             months: "60", instalments: "5")
            // An amendment below what was paid is refused; a reason is required. (The first transfer
            // becomes a row, as a run would make it, and is marked paid.)
            let signed = try #require(try await AgreementModel.query(on: app.db).first())
            try await Agreements.materialize(signed, through: 1, on: app.db)
            try await app.db.sql.update(AgreementPaymentModel.schema).set("state", to: SQLBind("paid"))
                .where("sequence", .equal, SQLBind(1)).run()
            let below = try await Self.post(manager, path, path + "/avenant", ["montant": "500 000,00", "mois": "60", "versements": "4",
                                                                              "retenue": "", "mode": "fixed_dates", "raison": "Réduction"])
            #expect(below.status == .unprocessableEntity && below.body.string.contains("1\u{00A0}000\u{00A0}000,00\u{00A0}$"))
            #expect(try await Self.post(manager, path, path + "/avenant", ["montant": "6 000 000,00", "mois": "60", "versements": "4",
                                                                          "retenue": "", "mode": "fixed_dates", "raison": ""]).status
                == .unprocessableEntity)
            #expect(try await Self.post(manager, path, path + "/avenant", ["montant": "6 000 000,00", "mois": "60", "versements": "4",
                                                                          "retenue": "", "mode": "fixed_dates",
                                                                          "raison": "Ajout du volet Est"]).status == .seeOther)
            // What was paid stays; the rest is planned anew from the second payment, from today.
            let agreement = try #require(try await AgreementModel.query(on: app.db).first())
            let payments = try await Agreements.schedule(of: agreement, on: app.db).payments
            #expect(payments.first?.state == "paid" && payments.first?.cents == 1_000_000_00)
            #expect(payments.dropFirst().reduce(0) { $0 + $1.cents } == 5_000_000_00 && payments.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(payments[1].dueOn == "2026-12-01" && agreement.nextPlannedOn == "2026-12-01")
            #expect(try await AgreementPaymentModel.query(on: app.db).count() == 1)
            let plan = try #require(Agreements.plan(of: agreement))
            #expect(plan.firstSequence == 2 && plan.terms.totalCents == 5_000_000_00)
            #expect(agreement.revision == 1 && agreement.amountCents == 6_000_000_00)
            let earlier = try await montreal.send(.GET, path + "/revisions/0")
            #expect(earlier.status == .ok && earlier.body.string.contains("5\u{00A0}000\u{00A0}000,00\u{00A0}$"))
            #expect(try await montreal.send(.GET, path + "/revisions/1").body.string.contains("Ajout du volet Est"))
        }
    }

    @Test func twoRunsAtOnceNeverPayMoreThanTheAgreementOwes() async throws {
        try await withPasserelle { app in
            _ = try await Self.frameworkInForce(app, title: "Cartographie des zones inondables", amount: "100 000,00", months: "12",
                                                instalments: "2")
            // Two payments of 60 000 $ on 100 000 $ (as a faulty import would leave them): both due by the second run's day.
            let sql = app.db.sql
            let agreement = try #require(try await AgreementModel.query(on: app.db).first())
            try await Agreements.materialize(agreement, through: 2, on: app.db)
            try await sql.update(AgreementPaymentModel.schema).set("cents", to: SQLBind(Int64(60_000_00))).run()
            let runs = try await withThrowingTaskGroup(of: Agreements.Prepared.self) { group in
                for day in ["2026-12-01", "2027-06-01"] {
                    group.addTask {
                        let caller = Caller(application: app, currentUser: nil, auditActor: .system("test"))
                        return try await app.write { db in
                            try await Agreements.prepareRun(on: CalendarDate(iso: day)!, as: caller, on: db)
                        }
                    }
                }
                var all: [Agreements.Prepared] = []
                for try await prepared in group { all.append(prepared) }
                return all
            }
            let after = try #require(try await AgreementModel.query(on: app.db).filter(\.$id == agreement.requireID()).first())
            let held = try await AgreementPaymentModel.query(on: app.db).filter(\.$state == "in_run").all()
            #expect(after.inRunCents == held.reduce(0) { $0 + $1.cents })
            #expect(after.inRunCents <= after.amountCents)
            #expect(held.count == 1)
            #expect(runs.flatMap(\.refused).count == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "agreements.payment.refuse").count() == 1)
        }
    }

    @Test func aRunWritesThePaymentsOfThePlansThatFallDueAndOnlyThose() async throws {
        try await withPasserelle { app in
            // The CMM's green and blue network: two transfers six months apart, 10 % held back until the final report.
            _ = try await Self.frameworkInForce(app, title: "Trame verte et bleue", amount: "100 000,00", months: "12", instalments: "2",
                                                holdback: "10")
            var agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.nextPlannedOn == "2026-12-01" && agreement.schedulePlanJSON == nil)
            #expect(try await AgreementReportModel.query(on: app.db).all().map(\.isFinal) == [true])
            #expect(try await AgreementPaymentModel.query(on: app.db).count() == 0)
            // Before the first day, nothing is due; on it, the first transfer; six months later, both.
            #expect(try await Agreements.duePlanned(on: CalendarDate(iso: "2026-11-30")!, on: app.db).isEmpty)
            #expect(try await Agreements.duePlanned(on: CalendarDate(iso: "2026-12-01")!, on: app.db).first?.lines.map(\.sequence) == [1])
            let both = try await Agreements.duePlanned(on: CalendarDate(iso: "2027-06-01")!, on: app.db)
            #expect(both.first?.lines.map(\.cents) == [45_000_00, 45_000_00] && both.first?.next == nil)

            let caller = Caller(application: app, currentUser: nil, auditActor: .system("test"))
            func prepare(_ day: String) async throws -> PaymentRunModel {
                try await app.write { db in try await Agreements.prepareRun(on: CalendarDate(iso: day)!, as: caller, on: db) }.run
            }
            let first = try await prepare("2026-12-15")
            #expect(first.count == 1 && first.totalCents == 45_000_00)
            agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.nextPlannedOn == "2027-06-01" && agreement.inRunCents == 45_000_00)
            // A second run the same day finds nothing more: the plan's line is written once.
            #expect(try await prepare("2026-12-15").count == 0)
            #expect(try await AgreementPaymentModel.query(on: app.db).count() == 1)
            let second = try await prepare("2027-06-01")
            #expect(second.count == 1 && second.totalCents == 45_000_00)
            agreement = try #require(try await AgreementModel.query(on: app.db).first())
            #expect(agreement.nextPlannedOn == nil)
            // The holdback stays the plan's until the final report is accepted; the view counts it to come.
            let schedule = try await Agreements.schedule(of: agreement, on: app.db)
            #expect(schedule.payments.map(\.state) == ["in_run", "in_run", "awaiting_report"])
            #expect(schedule.payments.map(\.kind) == ["instalment", "instalment", "holdback"])
            let standing = try await AgreementQueries.standing(of: agreement.$organisation.id, on: app.db)
            #expect(standing.toCome == 100_000_00)
        }
    }
}
