import Foundation
@testable import PasserelleCore
import Testing

@Suite struct ProgramEditingTests {
    let a = UUID(), b = UUID(), c = UUID()
    let town1 = UUID(), town2 = UUID()

    @Test func evaluatorsAreSpreadByLoadAndNeverOnTheirOwnOrganisation() {
        let files = (0..<4).map { i in EvaluatorAssignment.File(id: UUID(), organisations: [i == 0 ? town1 : town2], assigned: []) }
        // a belongs to town1; c already has two files of the call.
        let evaluators = [EvaluatorAssignment.Evaluator(id: a, excluded: [town1], load: 0),
                          .init(id: b, excluded: [], load: 0), .init(id: c, excluded: [], load: 2)]
        let plan = EvaluatorAssignment.plan(files: files, evaluators: evaluators, perFile: 2)
        #expect(plan.short.isEmpty)
        #expect(!plan.assignments.contains { $0.file == files[0].id && $0.evaluator == a })
        #expect(plan.assignments.count == 8)
        var load: [UUID: Int] = [a: 0, b: 0, c: 2]
        for x in plan.assignments { load[x.evaluator, default: 0] += 1 }
        // Eight assignments plus c's two: as even as the conflict allows.
        #expect(load.values.max()! - load.values.min()! <= 1)
        // The same plan on every run.
        #expect(EvaluatorAssignment.plan(files: files, evaluators: evaluators, perFile: 2) == plan)
    }

    @Test func aFileNoOneMayEvaluateIsReportedShort() {
        let file = EvaluatorAssignment.File(id: UUID(), organisations: [town1], assigned: [b])
        let plan = EvaluatorAssignment.plan(files: [file], evaluators: [.init(id: a, excluded: [town1], load: 0), .init(id: b, excluded: [], load: 1)],
                                            perFile: 2)
        // b is already there and counts; a is in conflict.
        #expect(plan.assignments.isEmpty)
        #expect(plan.short.count == 1 && plan.short[0].missing == 1)
        // A file that has its evaluators is left alone.
        #expect(EvaluatorAssignment.plan(files: [file], evaluators: [.init(id: c, excluded: [], load: 0)], perFile: 1) ==
                EvaluatorAssignment.Plan(assignments: [], short: []))
    }

    @Test func gridAndDocumentLinesAreReadOrNamedByLine() throws {
        let grid = try ProgramText.grid("securite | Sécurité | Safety | 60 | 10\n\r\nimpact | Impact | Impact | 40 | 5").get()
        #expect(grid.criteria.map(\.code) == ["securite", "impact"] && grid.problems.isEmpty)
        #expect(ProgramText.grid(ProgramText.text(grid)) == .success(grid))
        #expect(ProgramText.grid("a | A | A | 50 | 10\nb | B | 50 | 10\nc | C | C | x | 10") == .failure(.init([2, 3])))
        let docs = try ProgramText.documents("resolution | Résolution | Resolution\nplan | Plan | Plan").get()
        #expect(docs.count == 2 && ProgramText.documents(ProgramText.text(docs)) == .success(docs))
        // A code repeated, or with a space, is refused.
        #expect(ProgramText.documents("plan | Plan | Plan\nplan | Plan 2 | Plan 2\nun plan | P | P") == .failure(.init([2, 3])))
    }

    @Test func percentagesAreTypedTheFrenchOrTheEnglishWay() {
        #expect(ProgramText.basisPoints("50") == 5000)
        #expect(ProgramText.basisPoints("50,5") == 5050)
        #expect(ProgramText.basisPoints("12.25 %") == 1225)
        #expect(ProgramText.basisPoints("100") == 10_000)
        #expect(ProgramText.basisPoints("100,01") == nil)
        #expect(ProgramText.basisPoints("1,234") == nil)
        #expect(ProgramText.basisPoints("cinquante") == nil)
        #expect(ProgramText.percent(5050) == "50,50" && ProgramText.percent(5000) == "50")
    }

    @Test func aNewWorkflowVersionKeepsItsCodeAndThePhasesInUse() {
        let old = GrantWorkflow.standard
        var next = old
        next.version = 2
        next.phases.removeAll { $0.id == "waitlisted" }
        next.transitions.removeAll { $0.event == "waitlist" }
        for i in next.transitions.indices { next.transitions[i].from.removeAll { $0 == "waitlisted" } }
        #expect(next.problems(after: old, phasesInUse: ["draft", "in_evaluation"]).isEmpty)
        #expect(next.problems(after: old, phasesInUse: ["waitlisted"]) == ["phase waitlisted is in use"])
        next.code = "autre"
        #expect(next.problems(after: old, phasesInUse: []).contains("code changed from standard"))
    }
}
