import Foundation
@testable import PasserelleCore
import Testing

@Suite struct GrantRulesTests {
    @Test func theGovernmentFiscalYearRunsFromAprilToMarch() {
        let march = GovernmentFiscalYear(containing: CalendarDate(year: 2027, month: 3, day: 31)!)
        let april = GovernmentFiscalYear(containing: CalendarDate(year: 2027, month: 4, day: 1)!)
        #expect(march.description == "2026-2027")
        #expect(april.description == "2027-2028")
        #expect(march.next == april)
        #expect(march.start.iso == "2026-04-01" && march.end.iso == "2027-03-31")
        #expect(GovernmentFiscalYear("2026-2027") == march)
        #expect(GovernmentFiscalYear("2026-27") == march)
        #expect(GovernmentFiscalYear("2026-2028") == nil)
        #expect(GovernmentFiscalYear("deux mille") == nil)
        #expect(march.contains(CalendarDate(year: 2026, month: 11, day: 21)!))
        #expect(!march.contains(CalendarDate(year: 2026, month: 3, day: 31)!))
    }

    @Test func aidIsTheRateUpToTheCeilingAndTheStackingLimit() {
        let terms = AidTerms(rateBasisPoints: 5000, ceilingCents: 100_000_00, stackingLimitBasisPoints: 8000)
        // Half of 150 000 $.
        #expect(terms.maximumAid(eligibleCosts: Money(cents: 150_000_00)).cents == 75_000_00)
        // The ceiling.
        #expect(terms.maximumAid(eligibleCosts: Money(cents: 500_000_00)).cents == 100_000_00)
        // Other public aid of 60 000 $ on 100 000 $: 80 % − 60 % leaves 20 000 $.
        #expect(terms.maximumAid(eligibleCosts: Money(cents: 100_000_00), otherPublicFunding: Money(cents: 60_000_00)).cents == 20_000_00)
        // Rounded down to the cent: 50 % of 0,03 $.
        #expect(terms.maximumAid(eligibleCosts: Money(cents: 3)).cents == 1)
        // Never below zero, never more than the costs other money leaves.
        #expect(terms.maximumAid(eligibleCosts: Money(cents: 100_00), otherPublicFunding: Money(cents: 90_00)).cents == 0)
        let plain = AidTerms(rateBasisPoints: 10000, ceilingCents: 1_000_000_00)
        #expect(plain.maximumAid(eligibleCosts: Money(cents: 100_00), otherFunding: Money(cents: 30_00)).cents == 70_00)
        // No overflow on large amounts.
        #expect(AidTerms.share(Int64.max / 2, 10000) == Int64.max / 2)
        let budget = GrantBudget(costs: [BudgetLine(label: "Travaux", cents: 80_000_00), BudgetLine(label: "Honoraires", cents: 8_000_00)],
                                 funding: [BudgetLine(label: "Fédéral", cents: 10_000_00, isPublic: true),
                                           BudgetLine(label: "Commandite", cents: 2_000_00)])
        #expect(budget.eligibleCosts.cents == 88_000_00)
        #expect(budget.publicFunding.cents == 10_000_00 && budget.privateFunding.cents == 2_000_00)
        #expect(budget.maximum(terms).cents == 44_000_00)
    }

    @Test func screeningStatesEveryFailedRule() {
        let rules = EligibilityRules(kinds: [.municipality], regions: ["06", "16"], minimumCostsCents: 25_000_00,
                                     documents: [DocumentRequirement(code: "resolution", nameFr: "Résolution du conseil", nameEn: "Council resolution"),
                                                 DocumentRequirement(code: "plans", nameFr: "Plans", nameEn: "Plans")])
        let acton = ApplicantFacts(name: "Acton Vale", kind: .municipality, region: "16")
        #expect(Eligibility.screen(rules, applicant: acton, eligibleCosts: Money(cents: 30_000_00), documents: ["resolution", "plans"]).isEmpty)
        let mrc = ApplicantFacts(name: "MRC de Brome-Missisquoi", kind: .mrc, region: "05")
        let failures = Eligibility.screen(rules, applicant: mrc, coApplicants: [acton], eligibleCosts: Money(cents: 10_000_00),
                                          documents: ["plans"])
        #expect(failures.map(\.rule) == ["kind", "region", "costs", "document"])
        #expect(failures[0].arguments["name"] == "MRC de Brome-Missisquoi")
        #expect(failures[1].arguments["region"] == "05")
        #expect(failures[3].arguments["document"] == "Résolution du conseil")
        // A co-applicant is judged by the same rules.
        let abroad = ApplicantFacts(name: "Abercorn", kind: .municipality, region: "05")
        #expect(Eligibility.screen(rules, applicant: acton, coApplicants: [abroad], eligibleCosts: Money(cents: 30_000_00),
                                   documents: ["resolution", "plans"]).map(\.rule) == ["region"])
    }

    static let grid = ScoringGrid(criteria: [
        Criterion(code: "enjeu", nameFr: "Enjeu", nameEn: "Issue", weight: 60, maxScore: 10),
        Criterion(code: "cout", nameFr: "Coût", nameEn: "Cost", weight: 40, maxScore: 5),
    ])

    @Test func theConsolidatedScoreIsTheWeightedMeanOfTheEvaluators() {
        #expect(Self.grid.problems.isEmpty)
        // Evaluator A: 8/10 and 4/5; B: 6/10 and 5/5. Means 7/10 and 4.5/5: 42 + 36 = 78 points.
        let parts = Self.grid.parts([[8, 4], [6, 5]])
        #expect(parts == [42 * ScoringGrid.unit, 36 * ScoringGrid.unit])
        // An incomplete set of scores does not count.
        #expect(Self.grid.parts([[8, 4], [6]]) == [48 * ScoringGrid.unit, 32 * ScoringGrid.unit])
        #expect(Self.grid.parts([]) == nil)
        #expect(Self.grid.accepts(5, at: 1) && !Self.grid.accepts(6, at: 1) && !Self.grid.accepts(-1, at: 0))
        let bad = ScoringGrid(criteria: [Criterion(code: "a", nameFr: "A", nameEn: "A", weight: 50, maxScore: 0),
                                         Criterion(code: "a", nameFr: "B", nameEn: "B", weight: 40, maxScore: 10)])
        #expect(Set(bad.problems) == ["grants.grid.weights", "grants.grid.maximum", "grants.grid.codes"])
    }

    @Test func theRankingBreaksTiesByTheDocumentedRulesAndCutsWhereTheMoneyRunsOut() {
        func entry(_ number: String, _ score: Int64, _ parts: [Int64], at: Int64, _ cents: Int64) -> Ranking.Entry {
            Ranking.Entry(number: number, score: score, parts: parts, submittedAt: at, requestedCents: cents)
        }
        let entries = [
            entry("AF-2026-000005", 70, [40, 30], at: 5, 100),
            entry("AF-2026-000001", 90, [50, 40], at: 9, 300),
            entry("AF-2026-000002", 80, [50, 30], at: 2, 200),
            entry("AF-2026-000003", 80, [40, 40], at: 1, 200),  // same score, lower first criterion
            entry("AF-2026-000004", 80, [50, 30], at: 1, 250),  // same as 2 but earlier
            entry("AF-2026-000006", 80, [50, 30], at: 1, 150),  // same as 4, smaller amount
            entry("AF-2026-000007", 80, [50, 30], at: 1, 150),  // same as 6 but a later number
        ]
        let ranked = Ranking.rank(entries, availableCents: 1_000)
        #expect(ranked.map(\.entry.number) == ["AF-2026-000001", "AF-2026-000006", "AF-2026-000007", "AF-2026-000004",
                                               "AF-2026-000002", "AF-2026-000003", "AF-2026-000005"])
        #expect(ranked.map(\.tieBrokenBy) == [nil, nil, 4, 3, 2, 1, nil])
        // 300 + 150 + 150 + 250 = 850; the next (200) does not fit: the line falls there, and the
        // smaller one after it stays below it.
        #expect(ranked.map(\.funded) == [true, true, true, true, false, false, false])
        #expect(ranked[3].cumulativeCents == 850)
        #expect(ranked.map(\.rank) == Array(1...7))
        // Shuffled input, same ranking.
        #expect(Ranking.rank(entries.reversed(), availableCents: 1_000).map(\.entry.number) == ranked.map(\.entry.number))
    }

    @Test func aFormulaSharesTheEnvelopeToTheCent() {
        let shares = Formula.allocate(totalCents: 100_000, indicators: [("a", 1), ("b", 1), ("c", 1)])
        #expect(shares.values.reduce(0, +) == 100_000)
        #expect(shares["a"] == 33_334 && shares["b"] == 33_333 && shares["c"] == 33_333)
        // With a floor: each gets 10 000 first, the rest by population.
        let floored = Formula.allocate(totalCents: 100_000, indicators: [("x", 7_996), ("y", 368), ("z", 0)], floorCents: 10_000)
        #expect(floored["z"] == 0)
        #expect(floored.values.reduce(0, +) == 100_000)
        #expect(floored["y"]! >= 10_000 && floored["x"]! > floored["y"]!)
        // A floor the envelope cannot pay is dropped rather than overspent.
        #expect(Formula.allocate(totalCents: 5, indicators: [("x", 1), ("y", 3)], floorCents: 10).values.reduce(0, +) == 5)
        // Large figures do not overflow: 1 billion dollars by a population of millions.
        let big = Formula.allocate(totalCents: 100_000_000_000, indicators: [("mtl", 1_762_949), ("qc", 549_459), ("rdl", 20_118)])
        #expect(big.values.reduce(0, +) == 100_000_000_000)
    }

    @Test func aSecondApprovalIsNeededAboveTheLimit() {
        let roles: [Role] = [.evaluator, .financeOfficer(spendingLimitCents: 50_000_00), .financeOfficer(spendingLimitCents: 20_000_00)]
        #expect(SpendingAuthority.limit(of: roles) == 50_000_00)
        #expect(SpendingAuthority.limit(of: [.programManager]) == 0)
        #expect(!SpendingAuthority.needsSecondApproval(amountCents: 50_000_00, limitCents: 50_000_00))
        #expect(SpendingAuthority.needsSecondApproval(amountCents: 50_000_01, limitCents: 50_000_00))
        #expect(SpendingAuthority.mayGiveSecondApproval(amountCents: 80_000_00, limitCents: 100_000_00))
    }

    @Test func theStandardWorkflowAllowsEachEventToItsActorsOnly() {
        let w = GrantWorkflow.standard
        #expect(w.problems.isEmpty)
        #expect(w.next(from: "draft", on: "submit", by: .applicant) == .success("submitted"))
        #expect(w.next(from: "draft", on: "submit", by: .programManager) == .failure(.notAllowed))
        #expect(w.next(from: "approved", on: "withdraw", by: .applicant) == .failure(.notFromPhase))
        #expect(w.next(from: "evaluated", on: "fly", by: .applicant) == .failure(.unknownEvent))
        #expect(w.next(from: "pending_approval", on: "second_approval", by: .financeOfficer) == .success("approved"))
        #expect(w.next(from: "pending_approval", on: "second_approval", by: .programManager) == .failure(.notAllowed))
        #expect(w.events(from: "evaluated", by: .programManager).contains("waitlist"))
        // Stored as data, read back the same.
        let data = try! JSONEncoder().encode(w)
        #expect(try! JSONDecoder().decode(GrantWorkflow.self, from: data) == w)
        var broken = w
        broken.transitions.append(.init("reopen", from: ["approved"], to: "nowhere", by: [.programManager]))
        #expect(broken.problems.contains("reopen: phase nowhere unknown"))
        #expect(broken.problems.contains("reopen leaves final phase approved"))
    }
}
