import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// Everything an administrator may change in a program, as one value: each save keeps the
/// whole of it as a new version, so that any earlier version can be read as it was.
struct ProgramSnapshot: Codable, Equatable, Sendable {
    var nameFr: String
    var nameEn: String
    var objectivesFr: String
    var objectivesEn: String
    var rulesFr: String
    var rulesEn: String
    var eligibleCostsFr: String
    var eligibleCostsEn: String
    var measure: String?
    var active: Bool
    var terms: AidTerms
    var eligibility: EligibilityRules
    var grid: ScoringGrid
    var fields: [RequestField]
    var workflow: GrantWorkflow
    /// The accountability report's indicators (absent from versions saved before they could be edited).
    var indicators: [RequestField]?

    init(_ p: GrantProgramModel) {
        nameFr = p.nameFr
        nameEn = p.nameEn
        objectivesFr = p.objectivesFr
        objectivesEn = p.objectivesEn
        rulesFr = p.rulesFr
        rulesEn = p.rulesEn
        eligibleCostsFr = p.eligibleCostsFr
        eligibleCostsEn = p.eligibleCostsEn
        measure = p.measure
        active = p.active
        terms = p.terms
        eligibility = p.eligibility
        grid = p.grid
        fields = p.fields
        workflow = p.workflow
        // Nil when the model was read without them (the migration that made version 1 did).
        indicators = p.$indicatorsJSON.value == nil ? nil : p.indicators
    }

    /// A program model showing this version (not saved).
    func model(of program: GrantProgramModel) -> GrantProgramModel {
        let p = GrantProgramModel()
        p.id = program.id
        p.code = program.code
        p.allocation = program.allocation
        p.indicator = program.indicator
        p.indicatorsJSON = indicators.map(GrantProgramModel.json) ?? program.indicatorsJSON
        p.version = program.version
        p.nameFr = nameFr
        p.nameEn = nameEn
        p.objectivesFr = objectivesFr
        p.objectivesEn = objectivesEn
        p.rulesFr = rulesFr
        p.rulesEn = rulesEn
        p.eligibleCostsFr = eligibleCostsFr
        p.eligibleCostsEn = eligibleCostsEn
        p.measure = measure
        p.active = active
        p.termsJSON = GrantProgramModel.json(terms)
        p.eligibilityJSON = GrantProgramModel.json(eligibility)
        p.gridJSON = GrantProgramModel.json(grid)
        p.fieldsJSON = GrantProgramModel.json(fields)
        p.workflowJSON = GrantProgramModel.json(workflow)
        return p
    }

    /// The parts that differ from an earlier version, in the editor's order.
    func changed(from old: ProgramSnapshot) -> [String] {
        var parts: [String] = []
        let texts = [nameFr, nameEn, objectivesFr, objectivesEn, rulesFr, rulesEn, eligibleCostsFr, eligibleCostsEn, measure ?? ""]
        if texts != [old.nameFr, old.nameEn, old.objectivesFr, old.objectivesEn, old.rulesFr, old.rulesEn, old.eligibleCostsFr,
                     old.eligibleCostsEn, old.measure ?? ""] { parts.append("texts") }
        if active != old.active { parts.append("active") }
        if terms != old.terms { parts.append("terms") }
        if eligibility != old.eligibility { parts.append("eligibility") }
        if grid != old.grid { parts.append("grid") }
        if fields != old.fields { parts.append("fields") }
        if let indicators, indicators != (old.indicators ?? []) { parts.append("indicators") }
        if workflow != old.workflow { parts.append("workflow") }
        return parts
    }
}

extension Grants {
    /// The workflow an application follows: the version it started with, even after the program's
    /// workflow changed.
    static func workflow(for model: GrantApplicationModel, program: GrantProgramModel, on db: any Database) async throws -> GrantWorkflow {
        let current = program.workflow
        guard model.workflowVersion != current.version else { return current }
        guard let version = try await GrantProgramVersionModel.query(on: db).filter(\.$program.$id == program.requireID())
            .filter(\.$workflowVersion == model.workflowVersion).sort(\.$number, .descending).first(),
            let snapshot = version.snapshot else { return current }
        return snapshot.workflow
    }
}

/// `/programmes/{code}/modifier` and `/programmes/{code}/versions`: administrators change a
/// program's texts, terms, eligibility, documents, questions, scoring grid and workflow. Each save
/// is a new version with its reason; earlier versions stay readable; applications keep the
/// workflow version they started with; a grid cannot change while files of the program hold
/// scores not yet decided on; a save made on an older version is refused (409).
struct GrantProgramEditor: Sendable {

    /// The form as typed: the program's parts. Its questions come in the same body, as the request
    /// types' editor sends them (`Questions.Rows`).
    struct Form: Content {
        var version: Int?
        var name_fr: String?
        var name_en: String?
        var objectives_fr: String?
        var objectives_en: String?
        var rules_fr: String?
        var rules_en: String?
        var costs_fr: String?
        var costs_en: String?
        var measure: String?
        var active: String?
        var rate: String?
        var ceiling: String?
        var stacking: String?
        var minimum: String?
        var kinds: [String]?
        var regions: [String]?
        var documents: String?
        var grid: String?
        var workflow: String?
        var reason: String?
        /// The report's indicators, in the question rows' fields under `i_`.
        var i_code: [String]?
        var i_kind: [String]?
        var i_label_fr: [String]?
        var i_label_en: [String]?
        var i_help_fr: [String]?
        var i_help_en: [String]?
        var i_options: [String]?
        var i_required: [String]?
        var i_remove: [String]?

        init() {}

        init(_ s: ProgramSnapshot, version: Int) {
            self.version = version
            name_fr = s.nameFr
            name_en = s.nameEn
            objectives_fr = s.objectivesFr
            objectives_en = s.objectivesEn
            rules_fr = s.rulesFr
            rules_en = s.rulesEn
            costs_fr = s.eligibleCostsFr
            costs_en = s.eligibleCostsEn
            measure = s.measure
            active = s.active ? "1" : nil
            rate = ProgramText.percent(s.terms.rateBasisPoints)
            ceiling = MoneyInput.plain(s.terms.ceilingCents)
            stacking = s.terms.stackingLimitBasisPoints.map(ProgramText.percent) ?? ""
            minimum = s.eligibility.minimumCostsCents > 0 ? MoneyInput.plain(s.eligibility.minimumCostsCents) : ""
            kinds = s.eligibility.kinds.map(\.rawValue)
            regions = s.eligibility.regions
            documents = ProgramText.text(s.eligibility.documents)
            grid = ProgramText.text(s.grid)
            workflow = Self.pretty(s.workflow)
            let rows = Questions.Rows(questions: s.indicators ?? [])
            (i_code, i_kind, i_label_fr, i_label_en, i_help_fr, i_help_en, i_options, i_required) =
                (rows.f_code, rows.f_kind, rows.f_label_fr, rows.f_label_en, rows.f_help_fr, rows.f_help_en, rows.f_options, rows.f_required)
        }

        /// The indicators' rows as the shared question rows read them.
        var indicatorRows: Questions.Rows {
            var rows = Questions.Rows()
            (rows.f_code, rows.f_kind, rows.f_label_fr, rows.f_label_en, rows.f_help_fr, rows.f_help_en, rows.f_options, rows.f_required,
             rows.f_remove) = (i_code, i_kind, i_label_fr, i_label_en, i_help_fr, i_help_en, i_options, i_required, i_remove)
            return rows
        }

        static func pretty(_ workflow: GrantWorkflow) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? encoder.encode(workflow)) ?? Data(), as: UTF8.self)
        }
    }

    /// The program a form describes, or every error found, field by field. The workflow keeps its
    /// version when unchanged and takes the next one otherwise.
    static func read(_ form: Form, questions: Questions.Rows, current: ProgramSnapshot, allocation: AllocationMode, phasesInUse: Set<String>,
                     territory: TerritoryDirectory, _ l: Localizer) -> (ProgramSnapshot?, FormInput.Errors) {
        let text = { (value: String?) in (value ?? "").replacingOccurrences(of: "\r", with: "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: FormInput.Errors = []
        var s = current
        for (name, typed, max) in [("name_fr", form.name_fr, 200), ("name_en", form.name_en, 200),
                                   ("objectives_fr", form.objectives_fr, 4_000), ("objectives_en", form.objectives_en, 4_000),
                                   ("rules_fr", form.rules_fr, 8_000), ("rules_en", form.rules_en, 8_000),
                                   ("costs_fr", form.costs_fr, 4_000), ("costs_en", form.costs_en, 4_000)] {
            let value = text(typed)
            if value.isEmpty || value.count > max { errors.append((name, l("type.error.text", ["max": String(max)]))) }
        }
        s.nameFr = text(form.name_fr)
        s.nameEn = text(form.name_en)
        s.objectivesFr = text(form.objectives_fr)
        s.objectivesEn = text(form.objectives_en)
        s.rulesFr = text(form.rules_fr)
        s.rulesEn = text(form.rules_en)
        s.eligibleCostsFr = text(form.costs_fr)
        s.eligibleCostsEn = text(form.costs_en)
        s.measure = text(form.measure).isEmpty ? nil : String(text(form.measure).prefix(40))
        s.active = form.active == "1"
        let rate = ProgramText.basisPoints(text(form.rate))
        if rate.map({ $0 > 0 }) != true { errors.append(("rate", l("grants.edit.error.rate"))) }
        let ceiling = Money(parsing: text(form.ceiling))
        if ceiling.map({ $0.cents > 0 }) != true { errors.append(("ceiling", l("grants.error.amount"))) }
        var stacking: Int?
        if !text(form.stacking).isEmpty {
            stacking = ProgramText.basisPoints(text(form.stacking))
            if stacking.map({ $0 >= (rate ?? 0) }) != true { errors.append(("stacking", l("grants.edit.error.stacking"))) }
        }
        var minimum: Int64 = 0
        if !text(form.minimum).isEmpty {
            if let m = Money(parsing: text(form.minimum)), m.cents >= 0 { minimum = m.cents } else { errors.append(("minimum", l("grants.error.amount"))) }
        }
        if let rate, let ceiling { s.terms = AidTerms(rateBasisPoints: rate, ceilingCents: ceiling.cents, stackingLimitBasisPoints: stacking) }
        let kinds = OrganisationKind.allCases.filter { (form.kinds ?? []).contains($0.rawValue) && $0 != .ministryUnit }
        if kinds.isEmpty { errors.append(("kinds", l("grants.edit.error.kinds"))) }
        let regions = (form.regions ?? []).filter { territory.region($0) != nil }.sorted()
        var documents = current.eligibility.documents
        switch ProgramText.documents(text(form.documents)) {
        case .success(let found): documents = found
        case .failure(let bad):
            errors.append(("documents", l("grants.edit.error.lines", ["lines": bad.lines.map(String.init).joined(separator: ", ")])))
        }
        s.eligibility = EligibilityRules(kinds: kinds, regions: regions, minimumCostsCents: minimum, documents: documents)
        switch ProgramText.grid(text(form.grid)) {
        case .success(let grid):
            // A formula program ranks nothing: its grid may stay empty.
            let problems = grid.problems.filter { allocation != .formula || $0 != "grants.grid.empty" }
            if let problem = problems.first { errors.append(("grid", l(problem))) } else { s.grid = grid }
        case .failure(let bad):
            errors.append(("grid", l("grants.edit.error.lines", ["lines": bad.lines.map(String.init).joined(separator: ", ")])))
        }
        let (fields, fieldErrors) = Questions.read(questions, l)
        errors += fieldErrors
        s.fields = fields
        // A report is a plain form: its indicators take no file.
        let (indicators, indicatorErrors) = Questions.read(form.indicatorRows, l, prefix: "i")
        errors += indicatorErrors
        for (index, indicator) in indicators.enumerated() where indicator.kind == .file {
            errors.append(("i_kind-\(index)", l("grants.edit.error.indicator_file", ["code": indicator.code])))
        }
        s.indicators = indicators
        if var workflow = try? JSONDecoder().decode(GrantWorkflow.self, from: Data(text(form.workflow).utf8)) {
            workflow.version = current.workflow.version
            if workflow != current.workflow { workflow.version = current.workflow.version + 1 }
            let problems = workflow.problems(after: current.workflow, phasesInUse: phasesInUse)
            if problems.isEmpty { s.workflow = workflow } else {
                errors.append(("workflow", l("grants.edit.error.workflow", ["problems": problems.joined(separator: " ; ")])))
            }
        } else {
            errors.append(("workflow", l("grants.edit.error.workflow_json")))
        }
        if text(form.reason).isEmpty { errors.append(("reason", l("grants.edit.error.reason"))) }
        return (errors.isEmpty ? s : nil, errors)
    }

    static func program(_ req: Request) async throws -> GrantProgramModel { try await GrantPages.program(req) }

    /// The phases applications of the program are in, and whether some hold scores not yet decided on.
    static func usage(_ program: GrantProgramModel, on db: any Database) async throws -> (phases: Set<String>, scored: Bool) {
        let sql = db.sql
        let id = try program.requireID()
        let phases = try await sql.select().distinct().column("phase").from(GrantApplicationModel.schema)
            .where("program_id", .equal, SQLBind(id)).all().map { try $0.decode(column: "phase", as: String.self) }
        let scored = try await sql.select().column(SQLLiteral.numeric("1")).from(GrantApplicationModel.schema)
            .where("program_id", .equal, SQLBind(id)).where("score_parts", .isNot, SQLLiteral.null)
            .where("phase", .in, SQLBind.group(["in_evaluation", "evaluated", "pending_approval", "waitlisted"]))
            .limit(1).all()
        return (Set(phases), !scored.isEmpty)
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        let program = try await Self.program(req)
        return GrantEditorViews.edit(Layout(req), program: program, form: Form(ProgramSnapshot(program), version: program.version),
                                     questions: Questions.Rows(questions: program.fields), errors: [],
                                     territory: req.application.territory.current, csrf: CSRF.sessionToken(req),
                                     saved: req.query[String.self, at: "enregistre"] != nil).page(status: .ok)
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let program = try await Self.program(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let questions = (try? req.content.decode(Questions.Rows.self)) ?? Questions.Rows()
        let current = ProgramSnapshot(program)
        let usage = try await Self.usage(program, on: req.db)
        var (next, errors) = Self.read(form, questions: questions, current: current, allocation: program.allocation, phasesInUse: usage.phases, territory: req.application.territory.current, l)
        if let changed = next, changed.grid != current.grid, usage.scored {
            errors.append(("grid", l("grants.edit.error.grid_in_use")))
            next = nil
        }
        let page = { (errors: FormInput.Errors, status: HTTPResponseStatus) in
            GrantEditorViews.edit(Layout(req), program: program, form: form, questions: questions, errors: errors, territory: req.application.territory.current,
                                  csrf: CSRF.sessionToken(req), saved: false).page(status: status)
        }
        guard let next else { return page(errors, .unprocessableEntity) }
        guard form.version == program.version else { return page([("version", l("grants.edit.error.stale"))], .conflict) }
        let parts = next.changed(from: current)
        guard !parts.isEmpty else { return page([("reason", l("grants.edit.error.nothing"))], .unprocessableEntity) }
        let version = program.version
        let updated = next.model(of: program)
        let reason = String((form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(2_000))
        let author = req.currentUser?.displayName ?? ""
        var changes: [String: AuditChange] = ["version": .init(before: String(version), after: String(version + 1)),
                                              "reason": .init(before: nil, after: reason)]
        let before = current.model(of: program)
        for part in parts {
            switch part {
            case "texts": changes["texts"] = .init(before: before.nameFr, after: updated.nameFr)
            case "active": changes["active"] = .init(before: String(current.active), after: String(next.active))
            case "terms": changes["terms"] = .init(before: before.termsJSON, after: updated.termsJSON)
            case "eligibility": changes["eligibility"] = .init(before: before.eligibilityJSON, after: updated.eligibilityJSON)
            case "grid": changes["grid"] = .init(before: before.gridJSON, after: updated.gridJSON)
            case "fields": changes["fields"] = .init(before: before.fieldsJSON, after: updated.fieldsJSON)
            case "indicators": changes["indicators"] = .init(before: before.indicatorsJSON, after: updated.indicatorsJSON)
            default: changes["workflow"] = .init(before: String(current.workflow.version), after: String(next.workflow.version))
            }
        }
        let journaled = changes
        let stale = try await req.write { db -> Bool in
            // Taken with its version: a save made meanwhile makes this one change nothing.
            let rows = try await db.sql.update(GrantProgramModel.schema)
                .set("name_fr", to: SQLBind(updated.nameFr)).set("name_en", to: SQLBind(updated.nameEn))
                .set("objectives_fr", to: SQLBind(updated.objectivesFr)).set("objectives_en", to: SQLBind(updated.objectivesEn))
                .set("rules_fr", to: SQLBind(updated.rulesFr)).set("rules_en", to: SQLBind(updated.rulesEn))
                .set("eligible_costs_fr", to: SQLBind(updated.eligibleCostsFr)).set("eligible_costs_en", to: SQLBind(updated.eligibleCostsEn))
                .set("measure", to: SQLBind(updated.measure)).set("active", to: SQLBind(updated.active))
                .set("terms", to: SQLBind(updated.termsJSON)).set("eligibility", to: SQLBind(updated.eligibilityJSON))
                .set("grid", to: SQLBind(updated.gridJSON)).set("fields", to: SQLBind(updated.fieldsJSON))
                .set("indicators", to: SQLBind(updated.indicatorsJSON))
                .set("workflow", to: SQLBind(updated.workflowJSON)).set("version", to: SQLBind(version + 1))
                .where("id", .equal, SQLBind(try program.requireID())).where("version", .equal, SQLBind(version))
                .returning("id").all()
            guard !rows.isEmpty else { return true }
            let saved = GrantProgramVersionModel()
            saved.$program.id = try program.requireID()
            saved.number = version + 1
            saved.workflowVersion = next.workflow.version
            saved.snapshotJSON = GrantProgramModel.json(next)
            saved.changed = parts.joined(separator: " ")
            saved.reason = reason
            saved.authorName = author
            try await saved.create(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "grants.program.update", recordType: "grant_program",
                                   recordID: program.code, changes: journaled)
            return false
        }
        if stale { return page([("version", l("grants.edit.error.stale"))], .conflict) }
        return req.redirect(to: "/programmes/\(program.code)/versions?enregistre=\(version + 1)", redirectType: .normal)
    }

    @Sendable func versions(_ req: Request) async throws -> Response {
        let program = try await Self.program(req)
        let versions = try await GrantProgramVersionModel.query(on: req.db).filter(\.$program.$id == program.requireID())
            .sort(\.$number, .descending).all()
        return GrantEditorViews.versions(Layout(req), program: program, versions: versions,
                                         saved: req.query[Int.self, at: "enregistre"]).page(status: .ok)
    }

    @Sendable func version(_ req: Request) async throws -> Response {
        let program = try await Self.program(req)
        guard let number = req.parameters.get("numero", as: Int.self),
              let version = try await GrantProgramVersionModel.query(on: req.db).filter(\.$program.$id == program.requireID())
                .filter(\.$number == number).first(), let snapshot = version.snapshot else { throw Problem.notFound() }
        return GrantEditorViews.version(Layout(req), program: program, version: version, shown: snapshot.model(of: program),
                                        territory: req.application.territory.current).page(status: .ok)
    }
}

enum GrantEditorViews {
    static func edit(_ layout: Layout, program: GrantProgramModel, form: GrantProgramEditor.Form, questions: Questions.Rows,
                     errors: FormInput.Errors,
                     territory: TerritoryDirectory, csrf: String, saved: Bool) -> String {
        let l = layout.l
        let title = l("grants.edit.title", ["program": program.name(l.language)])
        let error = { (field: String) in FormInput.error(errors, field) }
        let kinds = OrganisationKind.allCases.filter { $0 != .ministryUnit }.map { ($0.rawValue, l("grants.kind.\($0.rawValue)")) }
        return layout.render(title: title, breadcrumbs: GrantViews.crumbs(l, (program.name(l.language), "/programmes/\(program.code)"),
                                                                         (l("grants.edit.program"), nil)),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.text(l("grants.edit.lead"))),
            .p(H.a(l("grants.versions"), href: "/programmes/\(program.code)/versions")),
            H.el("form", H.attr("action", "/programmes/\(program.code)/modifier"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(form.version ?? program.version))]),
                 UI.summaryList([(l("type.code"), .text(program.code)), (l("grants.version"), .text(String(program.version))),
                                 (l("grants.allocation"), .text(l("grants.allocation.\(program.allocation.rawValue)")))]),
                 .h2(.text(l("grants.edit.texts"))),
                 UI.textField(name: "name_fr", label: l("type.name_fr"), value: form.name_fr ?? "", error: error("name_fr")),
                 UI.textField(name: "name_en", label: l("type.name_en"), value: form.name_en ?? "", error: error("name_en")),
                 UI.textField(name: "measure", label: l("grants.edit.measure"), value: form.measure ?? "", width: "short"),
                 UI.textArea(name: "objectives_fr", label: l("grants.edit.objectives_fr"), value: form.objectives_fr ?? "",
                             error: error("objectives_fr"), rows: 3),
                 UI.textArea(name: "objectives_en", label: l("grants.edit.objectives_en"), value: form.objectives_en ?? "",
                             error: error("objectives_en"), rows: 3),
                 UI.textArea(name: "rules_fr", label: l("grants.edit.rules_fr"), value: form.rules_fr ?? "", error: error("rules_fr"), rows: 4),
                 UI.textArea(name: "rules_en", label: l("grants.edit.rules_en"), value: form.rules_en ?? "", error: error("rules_en"), rows: 4),
                 UI.textArea(name: "costs_fr", label: l("grants.edit.costs_fr"), value: form.costs_fr ?? "", hint: l("grants.edit.one_per_line"),
                             error: error("costs_fr"), rows: 4),
                 UI.textArea(name: "costs_en", label: l("grants.edit.costs_en"), value: form.costs_en ?? "", hint: l("grants.edit.one_per_line"),
                             error: error("costs_en"), rows: 4),
                 UI.checkboxes(name: "active", legend: l("grants.edit.offered"), options: [("1", l("grants.edit.active"))],
                               selected: form.active == "1" ? ["1"] : []),
                 .h2(.text(l("grants.edit.terms"))),
                 UI.textField(name: "rate", label: l("grants.edit.rate"), value: form.rate ?? "", hint: l("grants.edit.percent_hint"),
                              error: error("rate"), width: "short"),
                 UI.textField(name: "ceiling", label: l("grants.ceiling"), value: form.ceiling ?? "", error: error("ceiling"), width: "short"),
                 UI.textField(name: "stacking", label: l("grants.edit.stacking"), value: form.stacking ?? "", hint: l("grants.edit.stacking_hint"),
                              error: error("stacking"), width: "short"),
                 UI.textField(name: "minimum", label: l("grants.minimum_costs"), value: form.minimum ?? "", error: error("minimum"), width: "short"),
                 .h2(.text(l("grants.edit.eligibility"))),
                 UI.checkboxes(name: "kinds", legend: l("grants.eligible_applicants"), options: kinds, selected: Set(form.kinds ?? []),
                               error: error("kinds")),
                 UI.checkboxes(name: "regions", legend: l("grants.edit.regions"),
                               options: territory.regions.map { ($0.record.code, "\($0.record.name) (\($0.record.code))") },
                               selected: Set(form.regions ?? [])),
                 UI.textArea(name: "documents", label: l("grants.documents"), value: form.documents ?? "", hint: l("grants.edit.documents_hint"),
                             error: error("documents"), rows: 4),
                 .h2(.text(l("grants.grid"))),
                 UI.textArea(name: "grid", label: l("grants.grid"), value: form.grid ?? "", hint: l("grants.edit.grid_hint"),
                             error: error("grid"), rows: 6),
                 .h2(.text(l("type.fields"))),
                 .p(.text(l("type.fields_lead"))),
                 Questions.editorRows(l, form: questions, errors: errors),
                 .h2(.text(l("grants.edit.indicators"))),
                 .p(.text(l("grants.edit.indicators_lead"))),
                 Questions.editorRows(l, form: form.indicatorRows, errors: errors, prefix: "i"),
                 .h2(.text(l("grants.edit.workflow"))),
                 UI.textArea(name: "workflow", label: l("grants.edit.workflow"), value: form.workflow ?? "", hint: l("grants.edit.workflow_hint"),
                             error: error("workflow"), rows: 16),
                 .h2(.text(l("grants.edit.save_section"))),
                 UI.textArea(name: "reason", label: l("grants.edit.reason"), value: form.reason ?? "", hint: l("grants.edit.reason_hint"),
                             error: error("reason") ?? error("version"), rows: 3),
                 UI.button(l("grants.edit.save"))))
    }

    static func changed(_ l: Localizer, _ version: GrantProgramVersionModel) -> String {
        version.changed.isEmpty ? l("grants.version.first")
            : version.changed.split(separator: " ").map { l("grants.version.part.\($0)") }.joined(separator: ", ")
    }

    static func versions(_ layout: Layout, program: GrantProgramModel, versions: [GrantProgramVersionModel], saved: Int?) -> String {
        let l = layout.l
        let title = l("grants.versions_of", ["program": program.name(l.language)])
        return layout.render(title: title, breadcrumbs: GrantViews.crumbs(l, (program.name(l.language), "/programmes/\(program.code)"),
                                                                         (l("grants.versions"), nil)),
            .h1(.text(title)),
            .unwrap(saved) { UI.notice(l("grants.version.saved", ["number": String($0)]), kind: .success) },
            .p(.text(l("grants.versions_lead"))),
            UI.table(caption: title, columns: [.init(title: l("grants.version"), numeric: true), .init(title: l("grants.version.date")),
                                               .init(title: l("grants.version.author")), .init(title: l("grants.version.changed")),
                                               .init(title: l("grants.edit.reason")), .init(title: l("grants.version.workflow"), numeric: true)],
                     rows: versions.map { v in [
                         H.a(String(v.number), href: "/programmes/\(program.code)/versions/\(v.number)"),
                         .text(v.createdAt.map { l.format.dateTime($0) } ?? ""), .text(v.authorName), .text(changed(l, v)),
                         .text(v.reason.isEmpty ? l("grants.version.shipped") : v.reason), .text(String(v.workflowVersion)),
                     ] }, captionHidden: true))
    }

    static func version(_ layout: Layout, program: GrantProgramModel, version: GrantProgramVersionModel, shown: GrantProgramModel,
                        territory: TerritoryDirectory) -> String {
        let l = layout.l
        let title = l("grants.version_of", ["program": program.name(l.language), "number": String(version.number)])
        let workflow = shown.workflow
        return layout.render(title: title, breadcrumbs: GrantViews.crumbs(l, (program.name(l.language), "/programmes/\(program.code)"),
                                                                         (l("grants.versions"), "/programmes/\(program.code)/versions"),
                                                                         (String(version.number), nil)),
            .h1(.text(title)),
            UI.summaryList([(l("grants.version.date"), .text(version.createdAt.map { l.format.dateTime($0) } ?? "")),
                            (l("grants.version.author"), .text(version.authorName)),
                            (l("grants.version.changed"), .text(changed(l, version))),
                            (l("grants.edit.reason"), .text(version.reason.isEmpty ? l("grants.version.shipped") : version.reason)),
                            (l("grants.version.workflow"), .text(String(version.workflowVersion)))]),
            .h2(.text(shown.name(l.language))),
            GrantViews.rules(l, shown, territory: territory),
            shown.fields.isEmpty ? .empty : .group(
                .h2(.text(l("type.fields"))),
                UI.table(caption: l("type.fields"), columns: [.init(title: l("type.field_code")), .init(title: l("type.field_kind")),
                                                             .init(title: l("type.field_label_fr")), .init(title: l("type.field_required"))],
                         rows: shown.fields.map { [.text($0.code), .text(l("type.kind.\($0.kind.rawValue)")), .text($0.label(l.language)),
                                                   .text($0.required ? l("grants.yes") : l("grants.no"))] }, captionHidden: true)),
            shown.indicators.isEmpty ? .empty : .group(
                .h2(.text(l("grants.edit.indicators"))),
                UI.table(caption: l("grants.edit.indicators"), columns: [.init(title: l("type.field_code")), .init(title: l("type.field_kind")),
                                                                        .init(title: l("type.field_label_fr")), .init(title: l("type.field_required"))],
                         rows: shown.indicators.map { [.text($0.code), .text(l("type.kind.\($0.kind.rawValue)")), .text($0.label(l.language)),
                                                       .text($0.required ? l("grants.yes") : l("grants.no"))] }, captionHidden: true)),
            .h2(.text(l("grants.edit.workflow"))),
            UI.table(caption: l("grants.edit.workflow"), columns: [.init(title: l("grants.workflow.event")), .init(title: l("grants.workflow.from")),
                                                                  .init(title: l("grants.workflow.to")), .init(title: l("grants.workflow.by"))],
                     rows: workflow.transitions.map { t in [
                         .text(t.event), .text(t.from.map { workflow.phase($0)?.name(l.language) ?? $0 }.joined(separator: ", ")),
                         .text(workflow.phase(t.to)?.name(l.language) ?? t.to),
                         .text(t.by.map { l("grants.actor.\($0.rawValue)") }.joined(separator: ", ")),
                     ] }, captionHidden: true))
    }
}
