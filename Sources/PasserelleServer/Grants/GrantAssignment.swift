import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// `/appels/{code}/evaluateurs`: the call's files under evaluation spread among the evaluators
/// chosen, so many per file, the least loaded first, never to someone who belongs to, holds a
/// mandate for or declared a conflict with one of the file's organisations. One transaction; one
/// journal event per assignment; one message per evaluator listing their new files.
struct GrantAssignmentPages: Sendable {

    struct Candidate: Sendable {
        var person: PersonModel
        /// Files of the call assigned to them, and those they have scored.
        var load: Int
        var done: Int
        var excluded: Set<UUID>
    }

    struct Overview: Sendable {
        var candidates: [Candidate]
        var files: [EvaluatorAssignment.File]
        var numbers: [UUID: (number: String, title: String)]
    }

    static let phases = ["in_evaluation"]

    /// The call's files under evaluation with their organisations and evaluators, and everyone who may evaluate.
    static func overview(_ call: GrantCallModel, on db: any Database) async throws -> Overview {
        let applications = try await GrantApplicationModel.query(on: db).filter(\.$call.$id == call.requireID())
            .filter(\.$phase ~~ phases).sort(\.$submittedAt).sort(\.$number).all()
        let ids = applications.compactMap(\.id)
        var organisations: [UUID: Set<UUID>] = [:]
        for a in applications { organisations[a.id!] = [a.$organisation.id] }
        var assigned: [UUID: Set<UUID>] = [:]
        var load: [UUID: Int] = [:], done: [UUID: Int] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for party in try await GrantPartyModel.query(on: db).filter(\.$application.$id ~~ chunk).all() {
                organisations[party.$application.id, default: []].insert(party.$organisation.id)
            }
            for row in try await GrantEvaluatorModel.query(on: db).filter(\.$application.$id ~~ chunk).all() {
                assigned[row.$application.id, default: []].insert(row.$person.id)
                load[row.$person.id, default: 0] += 1
                if row.completedAt != nil { done[row.$person.id, default: 0] += 1 }
            }
        }
        let memberships = try await MembershipModel.query(on: db).filter(\.$role ~~ ["evaluator", "program_manager"]).with(\.$person).all()
        var people: [UUID: PersonModel] = [:]
        for m in memberships where m.person.active { people[m.$person.id] = m.person }
        let personIDs = Array(people.keys)
        var excluded: [UUID: Set<UUID>] = [:]
        for m in try await MembershipModel.query(on: db).filter(\.$person.$id ~~ personIDs).all() {
            excluded[m.$person.id, default: []].insert(m.$organisation.id)
        }
        for m in try await MandateModel.query(on: db).filter(\.$person.$id ~~ personIDs).all() {
            excluded[m.$person.id, default: []].insert(m.$organisation.id)
        }
        for c in try await GrantConflictModel.query(on: db).filter(\.$person.$id ~~ personIDs).all() {
            excluded[c.$person.id, default: []].insert(c.$organisation.id)
        }
        let candidates = people.values.sorted { ($0.displayName, $0.email) < ($1.displayName, $1.email) }.map {
            Candidate(person: $0, load: load[$0.id!] ?? 0, done: done[$0.id!] ?? 0, excluded: excluded[$0.id!] ?? [])
        }
        return Overview(candidates: candidates,
                        files: applications.map { .init(id: $0.id!, organisations: organisations[$0.id!] ?? [], assigned: assigned[$0.id!] ?? []) },
                        numbers: Dictionary(uniqueKeysWithValues: applications.map { ($0.id!, ($0.number, $0.title)) }))
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        let call = try await GrantPages.call(req)
        let overview = try await Self.overview(call, on: req.db)
        return GrantAssignmentViews.page(Layout(req), call: call, overview: overview, form: [:], chosen: [], errors: [], result: nil,
                                         csrf: CSRF.sessionToken(req)).page(status: .ok)
    }

    struct Result: Sendable {
        var assigned: Int
        var evaluators: Int
        var short: [(number: String, missing: Int)]
    }

    @Sendable func assign(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let call = try await GrantPages.call(req)
        let l = req.localizer
        let chosen = Set(((try? req.content.get([String].self, at: "evaluateurs")) ?? []).compactMap(UUID.init(uuidString:)))
        let perText = ((try? req.content.get(String.self, at: "par_dossier")) ?? "").trimmingCharacters(in: .whitespaces)
        let before = try await Self.overview(call, on: req.db)
        let known = Set(before.candidates.map { $0.person.id! })
        var errors: FormInput.Errors = []
        if chosen.isEmpty || !chosen.isSubset(of: known) { errors.append(("evaluateurs", l("grants.assign.error.evaluators"))) }
        let perFile = Int(perText)
        if perFile.map({ (1...5).contains($0) }) != true {
            errors.append(("par_dossier", l("grants.assign.error.per_file")))
        } else if let perFile, !chosen.isEmpty, perFile > chosen.count {
            errors.append(("par_dossier", l("grants.assign.error.too_few", ["count": String(chosen.count)])))
        }
        guard errors.isEmpty, let perFile else {
            return GrantAssignmentViews.page(Layout(req), call: call, overview: before, form: ["par_dossier": perText], chosen: chosen,
                                             errors: errors, result: nil, csrf: CSRF.sessionToken(req)).page(status: .unprocessableEntity)
        }
        let result = try await req.write { db -> Result in
            // Read again in the transaction: assignments made meanwhile count.
            let now = try await Self.overview(call, on: db)
            let evaluators = now.candidates.filter { chosen.contains($0.person.id!) }
                .map { EvaluatorAssignment.Evaluator(id: $0.person.id!, excluded: $0.excluded, load: $0.load) }
            let plan = EvaluatorAssignment.plan(files: now.files, evaluators: evaluators, perFile: perFile)
            let emails = Dictionary(uniqueKeysWithValues: now.candidates.map { ($0.person.id!, $0.person.email) })
            var byEvaluator: [UUID: [(number: String, title: String)]] = [:]
            let stamp = Date()
            for chunk in stride(from: 0, to: plan.assignments.count, by: 200) {
                let insert = db.sql.insert(into: GrantEvaluatorModel.schema)
                    .columns("id", "created_at", "application_id", "person_id", "completed_at")
                for (file, evaluator) in plan.assignments[chunk..<min(chunk + 200, plan.assignments.count)] {
                    insert.values(SQLBind(UUID()), SQLBind(stamp), SQLBind(file), SQLBind(evaluator), SQLBind(Date?.none))
                }
                try await insert.run()
            }
            for (file, evaluator) in plan.assignments {
                let info = now.numbers[file]!
                byEvaluator[evaluator, default: []].append(info)
                try await Audit.record(on: db, actor: req.auditActor, action: "grants.evaluator.assign", recordType: "grant_application",
                                       recordID: info.number, changes: ["evaluator": .init(before: nil, after: emails[evaluator]),
                                                                         "batch": .init(before: nil, after: call.code)])
            }
            for (evaluator, files) in byEvaluator {
                try await Grants.notifyEvaluator(evaluator, files: files, as: req.caller, on: db)
            }
            return Result(assigned: plan.assignments.count, evaluators: byEvaluator.count,
                          short: plan.short.map { (now.numbers[$0.file]!.number, $0.missing) })
        }
        let after = try await Self.overview(call, on: req.db)
        return GrantAssignmentViews.page(Layout(req), call: call, overview: after, form: ["par_dossier": perText], chosen: chosen,
                                         errors: [], result: result, csrf: CSRF.sessionToken(req)).page(status: .ok)
    }
}

enum GrantAssignmentViews {
    static func page(_ layout: Layout, call: GrantCallModel, overview: GrantAssignmentPages.Overview, form: [String: String], chosen: Set<UUID>,
                     errors: FormInput.Errors, result: GrantAssignmentPages.Result?, csrf: String) -> String {
        let l = layout.l
        let title = l("grants.assign.title", ["call": call.title(l.language)])
        let error = { (field: String) in FormInput.error(errors, field) }
        let lacking = overview.files.filter(\.assigned.isEmpty).count
        return layout.render(title: title, breadcrumbs: GrantViews.crumbs(l, (call.title(l.language), "/appels/\(call.code)"),
                                                                         (l("grants.assign"), nil)),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .unwrap(result) { r in .group(
                UI.notice(l("grants.assign.done", ["assigned": l.format.integer(r.assigned), "evaluators": l.format.integer(r.evaluators)]),
                          kind: r.short.isEmpty ? .success : .warning),
                r.short.isEmpty ? .empty : .group(
                    .p(.text(l("grants.assign.short_lead", ["count": l.format.integer(r.short.count)]))),
                    UI.table(caption: l("grants.assign.short"), columns: [.init(title: l("grants.number")),
                                                                          .init(title: l("grants.assign.missing"), numeric: true)],
                             rows: r.short.prefix(200).map { [H.a($0.number, href: "/aide/\($0.number)"), .text(String($0.missing))] })))
            },
            .p(.text(l("grants.assign.lead"))),
            UI.summaryList([(l("grants.assign.files"), .text(l.format.integer(overview.files.count))),
                            (l("grants.assign.unassigned"), .text(l.format.integer(lacking)))]),
            overview.candidates.isEmpty ? .p(.text(l("grants.assign.none"))) :
            H.el("form", H.attr("action", "/appels/\(call.code)/evaluateurs"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 UI.checkboxes(name: "evaluateurs", legend: l("grants.assign.evaluators"), options: overview.candidates.map { c in
                     (c.person.id!.uuidString, l("grants.assign.candidate", ["name": c.person.displayName, "load": l.format.integer(c.load),
                                                                            "done": l.format.integer(c.done)]))
                 }, selected: Set(chosen.map(\.uuidString)), error: error("evaluateurs")),
                 UI.textField(name: "par_dossier", label: l("grants.assign.per_file"), value: form["par_dossier"] ?? "2",
                              hint: l("grants.assign.per_file_hint"), error: error("par_dossier"), width: "short"),
                 UI.button(l("grants.assign.submit"))))
    }
}
