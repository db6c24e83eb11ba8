import Foundation
import PasserelleCore
import Plot

enum GrantViews {
    static func crumbs(_ l: Localizer, _ rest: (String, String?)...) -> [(label: String, href: String?)] {
        [(l("nav.home"), "/"), (l("grants.title_programs"), "/programmes")] + rest.map { ($0.0, $0.1) }
    }

    static func money(_ l: Localizer, _ cents: Int64) -> String { l.format.money(Money(cents: cents)) }

    static func percent(_ basisPoints: Int) -> String {
        basisPoints % 100 == 0 ? "\(basisPoints / 100)\u{00A0}%" : "\(basisPoints / 100),\(String(format: "%02d", basisPoints % 100))\u{00A0}%"
    }

    /// Arguments of a message made readable: cents as money, catalog keys as their text.
    static func localized(_ l: Localizer, _ arguments: [String: String]) -> [String: String] {
        var result = arguments
        for key in ["minimum", "ceiling", "maximum", "remaining", "asked", "limit", "requested"] {
            if let text = arguments[key], let cents = Int64(text) { result[key] = money(l, cents) }
        }
        if let kind = arguments["kind"] { result["kind"] = l(kind) }
        if let kinds = arguments["kinds"] { result["kinds"] = kinds.split(separator: ",").map { l(String($0)) }.joined(separator: ", ") }
        return result
    }

    static func refusal(_ l: Localizer, _ refusal: Grants.Refusal) -> String {
        switch refusal {
        case .stale: l("grants.error.stale")
        case .transition: l("grants.error.transition")
        case .notAParty: l("grants.error.role")
        case .callClosed: l("grants.error.call_closed")
        case .overdraw(let remaining, let asked): l("grants.error.overdraw", ["remaining": money(l, remaining), "asked": money(l, asked)])
        case .amountAboveRequested(let requested): l("grants.error.above_requested", ["requested": money(l, requested)])
        case .amountAboveCeiling(let ceiling): l("grants.error.above_ceiling", ["ceiling": money(l, ceiling)])
        case .amountNotPositive: l("grants.error.amount")
        case .reasonsRequired: l("grants.error.reasons")
        case .sameApprover: l("grants.error.same_approver")
        case .limitTooLow(let limit): l("grants.error.limit", ["limit": money(l, limit)])
        case .conflict: l("grants.error.conflict")
        case .notAnEvaluator: l("grants.error.not_evaluator")
        case .noEnvelope: l("grants.error.no_envelope")
        }
    }

    static func phaseTag(_ l: Localizer, _ program: GrantProgramModel, _ phase: String) -> BodyNode {
        UI.tag(program.phaseName(phase, l.language), GrantProgramModel.phaseStatus(phase))
    }

    static func callState(_ l: Localizer, _ call: GrantCallModel, now: Date) -> BodyNode {
        if now < call.opensAt { return UI.tag(l("grants.call.upcoming"), .neutral) }
        if now < call.closesAt { return UI.tag(l("grants.call.open"), .success) }
        return UI.tag(l("grants.call.closed"), .error)
    }

    static func callTable(_ l: Localizer, _ calls: [GrantCallModel], now: Date) -> BodyNode {
        UI.table(caption: l("grants.calls"), columns: [.init(title: l("grants.call")), .init(title: l("grants.call.opens")),
                                                      .init(title: l("grants.call.closes")), .init(title: l("grants.call.state"))],
                 rows: calls.map { c in [H.a(c.title(l.language), href: "/appels/\(c.code)"), .text(l.format.dateTime(c.opensAt)),
                                         .text(l.format.dateTime(c.closesAt)), callState(l, c, now: now)] })
    }

    // MARK: public

    static func programs(_ layout: Layout, programs: [GrantProgramModel], calls: [GrantCallModel], now: Date) -> String {
        let l = layout.l
        let open = calls.filter { $0.isOpen(at: now) }
        return layout.render(title: l("grants.title_programs"), breadcrumbs: [(l("nav.home"), "/"), (l("grants.title_programs"), nil)],
            .h1(.text(l("grants.title_programs"))),
            .p(.class("lead"), .text(l("grants.programs_lead"))),
            .h2(.text(l("grants.calls_open"))),
            open.isEmpty ? .p(.text(l("grants.calls_none_open"))) : callTable(l, open, now: now),
            .h2(.text(l("grants.programs"))),
            UI.table(caption: l("grants.programs"), columns: [.init(title: l("grants.program")), .init(title: l("grants.allocation")),
                                                             .init(title: l("grants.rate")), .init(title: l("grants.ceiling"), numeric: true)],
                     rows: programs.map { p in [H.a(p.name(l.language), href: "/programmes/\(p.code)"),
                                                .text(l("grants.allocation.\(p.allocation.rawValue)")),
                                                .text(percent(p.terms.rateBasisPoints)), .text(money(l, p.terms.ceilingCents))] },
                     captionHidden: true),
            .p(H.a(l("grants.my_applications"), href: "/aide")))
    }

    static func program(_ layout: Layout, program: GrantProgramModel, calls: [GrantCallModel], envelopes: [GrantEnvelopeModel], now: Date,
                        mayManage: Bool, mayAdminister: Bool = false, territory: TerritoryDirectory, errors: FormInput.Errors,
                        form: [String: String], csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        return layout.render(title: program.name(l.language), breadcrumbs: crumbs(l, (program.name(l.language), nil)),
            .h1(.text(program.name(l.language))),
            .unwrap(program.measure) { .p(UI.tag(l("grants.measure", ["measure": $0]), .info)) },
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            rules(l, program, territory: territory),
            mayAdminister ? .p(H.a(l("grants.edit.program"), href: "/programmes/\(program.code)/modifier", .class("button button--secondary")),
                               .text(" "), H.a(l("grants.versions"), href: "/programmes/\(program.code)/versions")) : .empty,
            .h2(.text(l("grants.calls"))),
            calls.isEmpty ? .p(.text(program.allocation == .continuous ? l("grants.continuous_lead") : l("grants.calls_none")))
                : callTable(l, calls, now: now),
            program.allocation == .continuous ? .p(H.a(l("grants.apply"), href: "/aide/nouvelle?programme=\(program.code)", .class("button button--primary"))) : .empty,
            mayManage ? .group(
                .h2(.id("enveloppes"), .text(l("grants.envelopes"))),
                envelopeTable(l, envelopes),
                .p(H.a(l("grants.dashboard"), href: "/programmes/\(program.code)/tableau"),
                   program.allocation == .formula ? .group(.text(" · "), H.a(l("grants.formula"), href: "/programmes/\(program.code)/repartition")) : .empty),
                .h3(.text(l("grants.envelope.new"))),
                H.el("form", H.attr("action", "/programmes/\(program.code)/enveloppes"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.textField(name: "exercice", label: l("grants.fiscal_year"), value: form["exercice"] ?? "",
                                  hint: l("grants.fiscal_year_hint"), error: error("exercice"), width: "short"),
                     UI.select(name: "region", label: l("grants.region"), options: [("", l("grants.all_regions"))]
                               + territory.regions.map { ($0.record.code, "\($0.record.name) (\($0.record.code))") },
                               selected: form["region"], error: error("region")),
                     UI.textField(name: "montant", label: l("grants.envelope.total"), value: form["montant"] ?? "", error: error("montant"),
                                  width: "short"),
                     UI.button(l("grants.envelope.create"))),
                envelopes.isEmpty || program.allocation == .formula ? .empty : .group(
                    .h3(.text(l("grants.call.new"))),
                    H.el("form", H.attr("action", "/programmes/\(program.code)/appels"), H.attr("method", "post"), H.attr("novalidate", ""),
                         UI.csrfField(csrf),
                         UI.textField(name: "code", label: l("grants.call.code"), value: form["code"] ?? "", hint: l("grants.call.code_hint"),
                                      error: error("code"), width: "short"),
                         UI.textField(name: "titre_fr", label: l("grants.call.title_fr"), value: form["titre_fr"] ?? "", error: error("titre_fr")),
                         UI.textField(name: "titre_en", label: l("grants.call.title_en"), value: form["titre_en"] ?? ""),
                         UI.textField(name: "ouverture_date", label: l("grants.call.opens_date"), value: form["ouverture_date"] ?? "",
                                      error: error("ouverture_date"), type: "date", width: "short"),
                         UI.textField(name: "ouverture_heure", label: l("grants.call.opens_time"), value: form["ouverture_heure"] ?? "9:00",
                                      hint: l("grants.call.time_hint"), type: "time", width: "short"),
                         UI.textField(name: "fermeture_date", label: l("grants.call.closes_date"), value: form["fermeture_date"] ?? "",
                                      error: error("fermeture_date"), type: "date", width: "short"),
                         UI.textField(name: "fermeture_heure", label: l("grants.call.closes_time"), value: form["fermeture_heure"] ?? "16:00",
                                      hint: l("grants.call.time_hint"), type: "time", width: "short"),
                         UI.select(name: "enveloppe", label: l("grants.envelope"), options: envelopes.map {
                             ($0.id?.uuidString ?? "", "\($0.fiscalYear)\($0.region.isEmpty ? "" : " — " + $0.region) — \(money(l, $0.totalCents))")
                         }, selected: form["enveloppe"], error: error("enveloppe")),
                         UI.button(l("grants.call.create"))))) : .empty)
    }

    /// A program's objectives, rules, terms, eligibility, costs, documents and grid.
    static func rules(_ l: Localizer, _ program: GrantProgramModel, territory: TerritoryDirectory) -> BodyNode {
        let rules = program.eligibility
        return .group(
            .h2(.text(l("grants.objectives"))), .p(.text(program.objectives(l.language))),
            .h2(.text(l("grants.rules"))), .p(.text(program.rules(l.language))),
            UI.summaryList([
                (l("grants.allocation"), .text(l("grants.allocation.\(program.allocation.rawValue)"))),
                (l("grants.eligible_applicants"), .text(rules.kinds.map { l("grants.kind.\($0.rawValue)") }.joined(separator: ", "))),
                (l("grants.eligible_regions"), .text(rules.regions.isEmpty ? l("grants.all_regions")
                    : rules.regions.map { code in territory.region(code).map { "\($0.record.name) (\(code))" } ?? code }.joined(separator: ", "))),
                (l("grants.rate"), .text(percent(program.terms.rateBasisPoints))),
                (l("grants.ceiling"), .text(money(l, program.terms.ceilingCents))),
                (l("grants.stacking"), .text(program.terms.stackingLimitBasisPoints.map(percent) ?? l("grants.none"))),
                (l("grants.minimum_costs"), .text(rules.minimumCostsCents > 0 ? money(l, rules.minimumCostsCents) : l("grants.none"))),
            ]),
            .h2(.text(l("grants.eligible_costs"))), H.ul(.forEach(program.eligibleCosts(l.language)) { H.li(.text($0)) }),
            .h2(.text(l("grants.documents"))),
            rules.documents.isEmpty ? .p(.text(l("grants.none"))) : H.ul(.forEach(rules.documents) { H.li(.text($0.name(l.language))) }),
            program.grid.criteria.isEmpty ? .empty : .group(
                .h2(.text(l("grants.grid"))),
                UI.table(caption: l("grants.grid"), columns: [.init(title: l("grants.criterion")), .init(title: l("grants.weight"), numeric: true),
                                                             .init(title: l("grants.max_score"), numeric: true)],
                         rows: program.grid.criteria.map { [.text($0.name(l.language)), .text("\($0.weight)"), .text("\($0.maxScore)")] },
                         captionHidden: true),
                .p(.class("field__hint"), .text(l("grants.tie_rules")))))
    }

    static func envelopeTable(_ l: Localizer, _ envelopes: [GrantEnvelopeModel]) -> BodyNode {
        envelopes.isEmpty ? .p(.text(l("grants.envelopes_none"))) :
            UI.table(caption: l("grants.envelopes"), columns: [
                .init(title: l("grants.fiscal_year")), .init(title: l("grants.region")), .init(title: l("grants.envelope.total"), numeric: true),
                .init(title: l("grants.envelope.committed"), numeric: true), .init(title: l("grants.envelope.approved"), numeric: true),
                .init(title: l("grants.envelope.remaining"), numeric: true),
            ], rows: envelopes.map { e in [.text(e.fiscalYear), .text(e.region.isEmpty ? l("grants.all_regions") : e.region),
                                           .text(money(l, e.totalCents)), .text(money(l, e.committedCents)), .text(money(l, e.approvedCents)),
                                           .text(money(l, e.remainingCents))] }, captionHidden: true)
    }

    static func call(_ layout: Layout, call: GrantCallModel, now: Date, signedIn: Bool, ministry: Bool) -> String {
        let l = layout.l
        let program = call.program
        let open = call.isOpen(at: now)
        return layout.render(title: call.title(l.language), breadcrumbs: crumbs(l, (program.name(l.language), "/programmes/\(program.code)"),
                                                                             (call.title(l.language), nil)),
            .h1(.text(call.title(l.language))),
            .p(callState(l, call, now: now)),
            UI.summaryList([
                (l("grants.program"), H.a(program.name(l.language), href: "/programmes/\(program.code)")),
                (l("grants.call.opens"), .text(l.format.dateTime(call.opensAt))),
                (l("grants.call.closes"), .text(l.format.dateTime(call.closesAt))),
                (l("grants.envelope"), .text(call.envelope.fiscalYear)),
            ]),
            .p(.text(l("grants.call.exact_close", ["closes": l.format.dateTime(call.closesAt)]))),
            open && !ministry ? .p(H.a(l("grants.apply"), href: signedIn ? "/aide/nouvelle?appel=\(call.code)" : "/connexion?retour=/aide/nouvelle?appel=\(call.code)",
                                       .class("button button--primary"))) : .empty,
            ministry ? .p(H.a(l("grants.ranking"), href: "/appels/\(call.code)/classement"), .text(" · "),
                          H.a(l("grants.applications"), href: "/aide?appel=\(call.code)"), .text(" · "),
                          H.a(l("grants.assign"), href: "/appels/\(call.code)/evaluateurs")) : .empty)
    }

    static func chooseOrganisation(_ layout: Layout, organisations: [OrganisationModel], query: String) -> String {
        let l = layout.l
        return layout.render(title: l("grants.choose_organisation"), breadcrumbs: crumbs(l, (l("grants.choose_organisation"), nil)),
            .h1(.text(l("grants.choose_organisation"))),
            organisations.isEmpty ? .p(.text(l("grants.no_organisation"))) :
                H.ul(.forEach(organisations) { o in H.li(H.a(o.name, href: "/organisations/\(o.code)/aide/nouvelle\(query)")) }))
    }

    static func chooseCall(_ layout: Layout, organisation: OrganisationModel, calls: [GrantCallModel], programs: [GrantProgramModel]) -> String {
        let l = layout.l
        return layout.render(title: l("grants.choose_call"), breadcrumbs: crumbs(l, (l("grants.choose_call"), nil)),
            .h1(.text(l("grants.choose_call"))),
            .p(.text(organisation.name)),
            calls.isEmpty && programs.isEmpty ? .p(.text(l("grants.calls_none_open"))) : H.ul(
                .forEach(calls) { c in H.li(H.a(c.title(l.language), href: "/organisations/\(organisation.code)/aide/nouvelle?appel=\(c.code)")) },
                .forEach(programs) { p in H.li(H.a(p.name(l.language), href: "/organisations/\(organisation.code)/aide/nouvelle?programme=\(p.code)")) }))
    }

    // MARK: the form

    static func form(_ layout: Layout, organisation: OrganisationModel, program: GrantProgramModel, call: GrantCallModel?,
                     model: GrantApplicationModel?, form: GrantPages.Form, errors: FormInput.Errors, documents: [GrantDocumentModel],
                     now: Date, maxUploadMB: Int, csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let v = { (name: String) in form.values[name] ?? "" }
        let reopened = model?.phase == "changes_requested" ? Set(model?.reopened ?? []) : nil
        let title = model.map { l("grants.edit_title", ["number": $0.number]) } ?? l("grants.new_title", ["program": program.name(l.language)])
        var answers: [String: [String]] = [:]
        for field in program.fields {
            answers[field.code] = field.kind == .multiple ? (form.multiple[field.code] ?? []) : [form.values["champ_\(field.code)"] ?? ""]
        }
        let action = model.map { "/aide/\($0.number)" } ?? "/organisations/\(organisation.code)/aide"
        let have = Set(documents.map(\.requirement))
        return layout.render(title: title, breadcrumbs: crumbs(l, (l("grants.applications"), "/aide"), (title, nil)),
            .h1(.text(title)),
            .p(.class("lead"), .text(organisation.name + " — " + program.name(l.language))),
            .unwrap(call) { c in .p(.text(l("grants.call.closes_on", ["closes": l.format.dateTime(c.closesAt)]))) },
            .unwrap(reopened) { open in UI.notice(l("grants.changes_lead", ["fields": open.sorted().joined(separator: ", ")]) + " "
                                                  + (model?.changesNote ?? ""), kind: .warning, title: l("grants.changes_requested")) },
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", action), H.attr("method", "post"), H.attr("enctype", "multipart/form-data"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 H.void("input", [.named("type", "hidden"), .named("name", "appel"), .named("value", v("appel"))]),
                 H.void("input", [.named("type", "hidden"), .named("name", "programme"), .named("value", v("programme"))]),
                 model == nil ? .empty : H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", v("version"))]),
                 .h2(.text(l("grants.section.project"))),
                 UI.textField(name: "title", label: l("grants.title"), value: v("title"), error: error("title")),
                 UI.textArea(name: "summary", label: l("grants.summary"), value: v("summary"), hint: l("grants.summary_hint"), error: error("summary")),
                 Questions.inputs(l, program.fields, answers: answers, errors: errors, keptFiles: []),
                 UI.textArea(name: "co_applicants", label: l("grants.co_applicants") + " " + l("form.optional"), value: v("co_applicants"),
                             hint: l("grants.co_applicants_hint"), error: error("co_applicants"), rows: 3),
                 .h2(.text(l("grants.section.budget"))),
                 .p(.class("field__hint"), .text(l("grants.budget_lead", ["rate": percent(program.terms.rateBasisPoints),
                                                                           "ceiling": money(l, program.terms.ceilingCents)]))),
                 H.el("fieldset", .class("fieldset"), H.el("legend", .class("field__label"), .text(l("grants.costs"))),
                      .group((0..<GrantPages.Form.costRows).map { i in
                          .div(.class("budget-line"),
                               UI.textField(name: "cout_libelle_\(i)", label: l("grants.line_label", ["n": String(i + 1)]), value: v("cout_libelle_\(i)"),
                                            error: error("cout_libelle_\(i)")),
                               UI.textField(name: "cout_montant_\(i)", label: l("grants.line_amount", ["n": String(i + 1)]),
                                            value: v("cout_montant_\(i)"), width: "short"))
                      })),
                 H.el("fieldset", .class("fieldset"), H.el("legend", .class("field__label"), .text(l("grants.funding"))),
                      .p(.class("field__hint"), .text(l("grants.funding_hint"))),
                      .group((0..<GrantPages.Form.fundingRows).map { i in
                          .div(.class("budget-line"),
                               UI.textField(name: "fin_libelle_\(i)", label: l("grants.funding_label", ["n": String(i + 1)]), value: v("fin_libelle_\(i)"),
                                            error: error("fin_libelle_\(i)")),
                               UI.textField(name: "fin_montant_\(i)", label: l("grants.line_amount", ["n": String(i + 1)]),
                                            value: v("fin_montant_\(i)"), width: "short"),
                               .div(.class("checkbox"),
                                    H.void("input", [.named("type", "checkbox"), .named("id", "champ-fin_public_\(i)"), .named("name", "fin_public_\(i)"),
                                                     .named("value", "1"), .named("checked", v("fin_public_\(i)").isEmpty ? nil : "checked")]),
                                    H.el("label", H.attr("for", "champ-fin_public_\(i)"), .text(l("grants.funding_public")))))
                      })),
                 UI.textField(name: "requested", label: l("grants.requested") + " " + l("form.optional"), value: v("requested"),
                              hint: l("grants.requested_hint"), error: error("requested"), width: "short"),
                 .h2(.text(l("grants.documents"))),
                 program.eligibility.documents.isEmpty ? .p(.text(l("grants.none"))) : .group(program.eligibility.documents.map { d in
                     UI.fileField(name: "doc_\(d.code)", label: d.name(l.language) + (have.contains(d.code) ? " — " + l("grants.document_received") : ""),
                                  hint: l("grants.document_hint", ["max": String(maxUploadMB)]), error: error("doc_\(d.code)"))
                 }),
                 UI.button(model == nil ? l("grants.save_draft") : l("grants.save"))))
    }

    // MARK: the file

    static func file(_ layout: Layout, model: GrantApplicationModel, data: GrantPages.FileData, actors: Set<GrantWorkflow.Actor>,
                     me: UUID?, evaluatorsAvailable: [PersonModel], errors: FormInput.Errors, submitted: Bool, now: Date,
                     csrf: String) -> String {
        let l = layout.l
        let program = model.program
        let budget = model.budget
        let phase = program.workflow.phase(model.phase)
        let applicant = actors.contains(.applicant)
        let ministry = actors.contains(.programManager) || actors.contains(.financeOfficer) || actors.contains(.evaluator)
        let number = model.number
        let version = String(model.version)
        let hidden = [("version", version)]
        let events = applicant ? program.workflow.events(from: model.phase, by: .applicant).filter { $0 == "withdraw" } : []
        let pending = data.decisions.first { $0.state == "pending" }
        let final = data.decisions.last { $0.state == "final" }
        let myAssignment = data.evaluators.first { $0.$person.id == me }
        let error = { (field: String) in FormInput.error(errors, field) }
        return layout.render(title: "\(number) — \(model.title)", breadcrumbs: crumbs(l, (l("grants.applications"), "/aide"), (number, nil)),
            .h1(.text("\(number) — \(model.title)")),
            .p(phaseTag(l, program, model.phase)),
            submitted ? UI.notice(l("grants.submitted_notice", ["number": number]), kind: .success, title: l("grants.submitted_title")) : .empty,
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            UI.summaryList([
                (l("grants.program"), H.a(program.name(l.language), href: "/programmes/\(program.code)")),
                (l("grants.call"), data.call.map { H.a($0.title(l.language), href: "/appels/\($0.code)") } ?? .text("—")),
                (l("grants.organisation"), .text(model.organisation.name)),
                (l("grants.co_applicants"), .text(data.parties.isEmpty ? "—" : data.parties.map(\.name).joined(separator: ", "))),
                (l("grants.via_mandate"), .text(model.viaMandate ? l("grants.yes") : l("grants.no"))),
                (l("grants.submitted_at"), .text(model.submittedAt.map(l.format.dateTime) ?? "—")),
                (l("grants.score"), .text(model.score.map(Grants.formatScore) ?? "—")),
            ]),
            .h2(.text(l("grants.summary"))), .p(.class("pre-wrap"), .text(model.summary)),
            program.fields.isEmpty ? .empty : UI.summaryList(program.fields.map { f in
                (f.label(l.language), .text(Questions.answerText(l, f, model.answers[f.code] ?? [])))
            }),
            .h2(.text(l("grants.section.budget"))),
            UI.table(caption: l("grants.costs"), columns: [.init(title: l("grants.line")), .init(title: l("grants.amount"), numeric: true)],
                     rows: budget.costs.map { [.text($0.label), .text(money(l, $0.cents))] }
                        + [[.strong(.text(l("grants.eligible_total"))), .strong(.text(money(l, budget.eligibleCosts.cents)))]]),
            budget.funding.isEmpty ? .empty :
                UI.table(caption: l("grants.funding"), columns: [.init(title: l("grants.line")), .init(title: l("grants.funding_public")),
                                                                .init(title: l("grants.amount"), numeric: true)],
                         rows: budget.funding.map { [.text($0.label), .text($0.isPublic ? l("grants.yes") : l("grants.no")), .text(money(l, $0.cents))] }),
            UI.summaryList([
                (l("grants.maximum"), .text(money(l, budget.maximum(program.terms).cents))),
                (l("grants.requested"), .strong(.text(money(l, model.requestedCents)))),
            ]),
            .h2(.text(l("grants.documents"))),
            program.eligibility.documents.isEmpty && data.documents.isEmpty ? .p(.text(l("grants.none"))) : H.ul(
                .forEach(program.eligibility.documents) { d in
                    let files = data.documents.filter { $0.requirement == d.code }
                    return H.li(.text(d.name(l.language) + " : "),
                                files.isEmpty ? UI.tag(l("grants.document_missing"), .warning) : .group(files.map { f in
                                    H.a(f.filename, href: "/aide/\(number)/documents/\(f.id?.uuidString ?? "")")
                                }))
                }),
            .h2(.text(l("grants.screening"))),
            data.screening.isEmpty ? .p(UI.tag(l("grants.eligible"), .success)) : H.ul(.forEach(data.screening) { f in
                H.li(.text(l(f.key, localized(l, f.arguments))))
            }),
            // The applicant's actions.
            applicant && phase?.applicantEdits == true ? .div(.id("depot"),
                .p(H.a(l("grants.edit"), href: "/aide/\(number)/modifier", .class("button button--secondary"))),
                .p(.text(l("grants.submit_lead"))),
                UI.actionForm(action: "/aide/\(number)/depot", csrf: csrf, label: model.phase == "draft" ? l("grants.submit") : l("grants.resubmit"),
                              kind: .primary, hidden: hidden)) : .empty,
            .group(events.map { e in UI.actionForm(action: "/aide/\(number)/evenements", csrf: csrf, label: l("grants.event.\(e)"),
                                                    hidden: hidden + [("event", e)]) }),
            // The decision, for everyone once it is final.
            .unwrap(final) { d in .div(.id("decision"), .h2(.text(l("grants.decision"))),
                UI.summaryList([
                    (l("grants.decision.kind"), .text(l("grants.decision.\(d.kind)"))),
                    (l("grants.amount"), .text(d.kind == "approve" ? money(l, d.amountCents) : "—")),
                    (l("grants.decision.reasons"), .text(d.reasons.isEmpty ? "—" : d.reasons)),
                ]),
                .p(H.a(l("grants.letter"), href: "/aide/\(number)/lettre"),
                   d.kind == "approve" && model.phase == "approved"
                       ? .group(.text(" · "), ministry ? H.a(l("agreements.prepare"), href: "/aide/\(number)/convention")
                                                      : H.a(l("agreements.see"), href: "/conventions"))
                       : .empty)) },
            ministry ? ministrySections(l, model: model, data: data, actors: actors, me: me, myAssignment: myAssignment, pending: pending,
                                        evaluatorsAvailable: evaluatorsAvailable, error: error, csrf: csrf) : .empty,
            .h2(.text(l("grants.history"))),
            H.ol(.forEach(data.journal) { e in
                H.li(.text((journalInstant(e.occurredAt).map(l.format.dateTime) ?? e.occurredAt) + " — " + l(e.action)
                          + " — " + e.actorLabel))
            }))
    }

    static func ministrySections(_ l: Localizer, model: GrantApplicationModel, data: GrantPages.FileData, actors: Set<GrantWorkflow.Actor>,
                                 me: UUID?, myAssignment: GrantEvaluatorModel?, pending: GrantDecisionModel?,
                                 evaluatorsAvailable: [PersonModel], error: (String) -> String?, csrf: String) -> BodyNode {
        let program = model.program
        let number = model.number
        let hidden = [("version", String(model.version))]
        let grid = program.grid
        let manager = actors.contains(.programManager)
        let decider = manager || actors.contains(.financeOfficer)
        let decidable = ["in_evaluation", "evaluated", "waitlisted"].contains(model.phase)
        let mine = data.scores.filter { $0.$person.id == me }
        return .group(
            .h2(.id("evaluation"), .text(l("grants.evaluation"))),
            data.evaluators.isEmpty ? .p(.text(l("grants.evaluators_none"))) : UI.table(caption: l("grants.evaluators"), columns:
                [.init(title: l("grants.evaluator"))] + grid.criteria.map { .init(title: $0.name(l.language), numeric: true) }
                    + [.init(title: l("grants.evaluation_done"))],
                rows: data.evaluators.map { e in
                    let scores = data.scores.filter { $0.$person.id == e.$person.id }
                    return [.text(e.person.displayName)] + grid.criteria.map { c in
                        .text(scores.first { $0.criterion == c.code }.map { "\($0.score)/\(c.maxScore)" } ?? "—")
                    } + [e.completedAt == nil ? UI.tag(l("grants.no"), .warning) : UI.tag(l("grants.yes"), .success)]
                }),
            manager && ["submitted", "in_evaluation"].contains(model.phase) ? H.el("form", H.attr("action", "/aide/\(number)/evaluateurs"),
                H.attr("method", "post"), .class("inline-form"), UI.csrfField(csrf),
                UI.select(name: "evaluateur", label: l("grants.assign_evaluator"), options: [("", l("liaison.choose"))]
                          + evaluatorsAvailable.map { ($0.id?.uuidString ?? "", $0.displayName) }, selected: nil, error: error("evaluateur")),
                UI.button(l("grants.assign"), kind: .secondary)) : .empty,
            myAssignment != nil && model.phase == "in_evaluation" ? H.el("form", H.attr("action", "/aide/\(number)/evaluation"),
                H.attr("method", "post"), H.attr("novalidate", ""), UI.csrfField(csrf),
                .h3(.text(l("grants.my_scores"))),
                .group(grid.criteria.map { c in
                    let given = mine.first { $0.criterion == c.code }
                    return .group(
                        UI.textField(name: "note_\(c.code)", label: "\(c.name(l.language)) (0–\(c.maxScore))",
                                     value: given.map { String($0.score) } ?? "", error: error("note_\(c.code)"), width: "short"),
                        UI.textArea(name: "commentaire_\(c.code)", label: l("grants.comment") + " " + l("form.optional"),
                                    value: given?.comment ?? "", rows: 2))
                }),
                UI.button(l("grants.save_scores"))) : .empty,
            .p(H.el("form", H.attr("action", "/aide/conflits"), H.attr("method", "post"), .class("inline-form"),
                    UI.csrfField(csrf),
                    H.void("input", [.named("type", "hidden"), .named("name", "organisation"), .named("value", model.organisation.code)]),
                    H.void("input", [.named("type", "hidden"), .named("name", "retour"), .named("value", "/aide/\(number)")]),
                    UI.textField(name: "motif", label: l("grants.conflict_reason"), value: "", width: "short"),
                    UI.button(l("grants.declare_conflict"), kind: .secondary))),
            manager && ["submitted", "in_evaluation", "evaluated"].contains(model.phase) ? H.el("form",
                H.attr("action", "/aide/\(number)/evenements"), H.attr("method", "post"), UI.csrfField(csrf),
                H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(model.version))]),
                H.void("input", [.named("type", "hidden"), .named("name", "event"), .named("value", "request_changes")]),
                .h3(.text(l("grants.request_changes"))),
                UI.checkboxes(name: "champs", legend: l("grants.changes_fields"), options: [("title", l("grants.title")), ("summary", l("grants.summary")),
                              ("budget", l("grants.section.budget"))] + program.fields.map { ("champ_\($0.code)", $0.label(l.language)) },
                              selected: [], error: error("champs")),
                UI.textArea(name: "note", label: l("grants.changes_note"), value: "", rows: 3),
                UI.button(l("grants.request_changes"), kind: .secondary)) : .empty,
            .h2(.id("decision-form"), .text(l("grants.decide"))),
            .unwrap(pending) { p in .div(
                UI.notice(l("grants.pending_notice", ["amount": money(l, p.amountCents), "name": p.decidedByName]), kind: .warning),
                actors.contains(.financeOfficer) ? UI.actionForm(action: "/aide/\(number)/approbation", csrf: csrf, label: l("grants.second_approval"),
                                                                  kind: .primary, hidden: hidden) : .empty,
                decider ? H.el("form", H.attr("action", "/aide/\(number)/decision"), H.attr("method", "post"), UI.csrfField(csrf),
                               H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(model.version))]),
                               H.void("input", [.named("type", "hidden"), .named("name", "kind"), .named("value", "refuse")]),
                               UI.textArea(name: "motifs", label: l("grants.decision.reasons"), value: "", error: error("motifs"), rows: 3),
                               UI.button(l("grants.decision.refuse"), kind: .secondary)) : .empty) },
            decider && decidable ? H.el("form", H.attr("action", "/aide/\(number)/decision"), H.attr("method", "post"), H.attr("novalidate", ""),
                UI.csrfField(csrf),
                H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(model.version))]),
                UI.select(name: "kind", label: l("grants.decision.kind"), options: [("approve", l("grants.decision.approve")),
                          ("refuse", l("grants.decision.refuse")), ("waitlist", l("grants.decision.waitlist"))], selected: nil),
                UI.textField(name: "montant", label: l("grants.decision.amount"), value: MoneyInput.text(model.requestedCents),
                             hint: l("grants.decision.amount_hint", ["requested": money(l, model.requestedCents),
                                                                    "ceiling": money(l, program.terms.ceilingCents)]),
                             error: error("montant"), width: "short"),
                UI.textArea(name: "motifs", label: l("grants.decision.reasons"), value: "", hint: l("grants.decision.reasons_hint"),
                            error: error("motifs"), rows: 3),
                UI.button(l("grants.decide"))) : .empty)
    }

    /// A journal timestamp (`2026-11-21T15:00:00.000Z`) as an instant.
    static func journalInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    // MARK: letter

    static func letter(_ layout: Layout, model: GrantApplicationModel, decision: GrantDecisionModel) -> String {
        let l = layout.l
        let program = model.program
        let day = CalendarDate(decision.secondAt ?? decision.createdAt ?? Date(), timeZone: CalendarDate.quebecTimeZone)
        let body: String = switch decision.kind {
        case "approve": l("grants.letter.approve", ["program": program.name(l.language), "amount": money(l, decision.amountCents),
                                                    "title": model.title, "number": model.number])
        case "refuse": l("grants.letter.refuse", ["program": program.name(l.language), "title": model.title, "number": model.number,
                                                  "reasons": decision.reasons])
        default: l("grants.letter.waitlist", ["program": program.name(l.language), "title": model.title, "number": model.number])
        }
        return layout.render(title: l("grants.letter.title", ["number": model.number]),
            .article(.class("letter"),
                .p(.strong(.text(l("grants.letter.sender")))),
                .p(.text(l.language == .frCA ? "Québec, " + l.format.dateInSentence(day) : "Québec, " + l.format.date(day))),
                .p(.text(model.organisation.name)),
                .p(.strong(.text(l("grants.letter.subject", ["number": model.number, "program": program.name(l.language)])))),
                .p(.text(l("grants.letter.greeting"))),
                .p(.class("pre-wrap"), .text(body)),
                .p(.text(l("grants.letter.closing"))),
                .p(.text(decision.secondByName ?? decision.decidedByName)),
                .p(.class("no-print"), H.a(l("grants.back_to_file"), href: "/aide/\(model.number)"))))
    }

    // MARK: lists

    static func list(_ layout: Layout, filter: GrantPages.ListFilter, rows: [GrantApplicationModel], total: Int, programs: [GrantProgramModel],
                     mayApply: Bool, ministry: Bool = false) -> String {
        let l = layout.l
        let pages = max(1, (total + GrantPages.pageSize - 1) / GrantPages.pageSize)
        let phases = GrantWorkflow.standard.phases
        func url(_ page: Int) -> String {
            var parts = ["page=\(page)"]
            if !filter.program.isEmpty { parts.append("programme=\(filter.program)") }
            if !filter.call.isEmpty { parts.append("appel=\(filter.call)") }
            if !filter.phase.isEmpty { parts.append("phase=\(filter.phase)") }
            if filter.toEvaluate { parts.append("a_evaluer=1") }
            if !filter.q.isEmpty { parts.append("q=\(filter.q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            return "/aide?" + parts.joined(separator: "&")
        }
        return layout.render(title: l("grants.applications"), breadcrumbs: crumbs(l, (l("grants.applications"), nil)),
            .h1(.text(l("grants.applications"))),
            mayApply ? .p(H.a(l("grants.apply"), href: "/aide/nouvelle", .class("button button--primary"))) : .empty,
            ministry ? .p(H.a(l("grants.to_evaluate"), href: "/aide?a_evaluer=1"), .text(" · "), H.a(l("grants.overview"), href: "/aide/tableau"))
                : .empty,
            H.el("form", H.attr("action", "/aide"), H.attr("method", "get"), .class("filters"),
                 UI.select(name: "programme", label: l("grants.program"), options: [("", l("grants.all"))] + programs.map { ($0.code, $0.name(l.language)) },
                           selected: filter.program),
                 UI.select(name: "phase", label: l("grants.phase"), options: [("", l("grants.all"))] + phases.map { ($0.id, $0.name(l.language)) },
                           selected: filter.phase),
                 filter.call.isEmpty ? .empty : H.void("input", [.named("type", "hidden"), .named("name", "appel"), .named("value", filter.call)]),
                 filter.toEvaluate ? H.void("input", [.named("type", "hidden"), .named("name", "a_evaluer"), .named("value", "1")]) : .empty,
                 UI.textField(name: "q", label: l("grants.search"), value: filter.q, width: "short"),
                 UI.button(l("grants.filter"), kind: .secondary)),
            .p(.text(l("grants.count_found", ["count": l.format.integer(total)]))),
            rows.isEmpty ? .p(.text(l("grants.none_found"))) : UI.table(caption: l("grants.applications"), columns: [
                .init(title: l("grants.number")), .init(title: l("grants.title")), .init(title: l("grants.organisation")),
                .init(title: l("grants.program")), .init(title: l("grants.phase")), .init(title: l("grants.requested"), numeric: true),
            ], rows: rows.map { a in [H.a(a.number, href: "/aide/\(a.number)"), .text(a.title), .text(a.organisation.name),
                                      .text(a.program.name(l.language)), phaseTag(l, a.program, a.phase), .text(money(l, a.requestedCents))] },
            captionHidden: true),
            UI.pagination(l, page: filter.page, pageCount: pages, url: url))
    }

    static func ranking(_ layout: Layout, call: GrantCallModel, ranking: Grants.CallRanking, rows: [Grants.RankedApplication],
                        page: Int, pages: Int, cutPage: Int) -> String {
        let l = layout.l
        let fundedCents = ranking.fundedCents
        let title = l("grants.ranking_of", ["call": call.title(l.language)])
        var body: [[BodyNode]] = []
        for r in rows {
            if r.ranked.rank == ranking.lastFunded + 1 {
                body.append([.strong(.text("—")), .strong(.text(l("grants.ranking.cut_line", ["remaining": money(l, ranking.availableCents - fundedCents)])))]
                            + Array(repeating: BodyNode.text(""), count: 5))
            }
            body.append([.text(String(r.ranked.rank)), H.a(r.ranked.entry.number, href: "/aide/\(r.ranked.entry.number)"),
                         .text(r.organisation + " — " + r.title), .text(Grants.formatScore(r.ranked.entry.score)
                            + (r.ranked.tieBrokenBy.map { " (" + l("grants.ranking.tie.\($0)") + ")" } ?? "")),
                         .text(money(l, r.ranked.entry.requestedCents)), .text(money(l, r.ranked.cumulativeCents)),
                         r.ranked.funded ? UI.tag(l("grants.ranking.funded"), .success) : UI.tag(l("grants.ranking.below"), .warning)])
        }
        return layout.render(title: title, breadcrumbs: crumbs(l, (call.title(l.language), "/appels/\(call.code)"), (l("grants.ranking"), nil)),
            .h1(.text(title)),
            UI.summaryList([
                (l("grants.envelope"), .text("\(ranking.envelope.fiscalYear) — \(money(l, ranking.envelope.totalCents))")),
                (l("grants.ranking.available"), .text(money(l, ranking.availableCents))),
                (l("grants.ranking.count"), .text(l.format.integer(ranking.ranked.count))),
                (l("grants.ranking.funded_count"), .text(l("grants.ranking.funded_sum", ["count": l.format.integer(ranking.lastFunded),
                                                                                        "amount": money(l, fundedCents)]))),
                (l("grants.ranking.cut_after"), ranking.lastFunded < ranking.ranked.count
                    ? H.a(l("grants.ranking.cut_rank", ["rank": l.format.integer(ranking.lastFunded)]), href: "/appels/\(call.code)/classement?page=\(cutPage)")
                    : .text(l("grants.ranking.all_funded"))),
            ]),
            .p(.class("field__hint"), .text(l("grants.tie_rules"))),
            .p(H.a(l("grants.csv"), href: "/appels/\(call.code)/classement.csv")),
            UI.table(caption: title, columns: [
                .init(title: l("grants.ranking.rank"), numeric: true), .init(title: l("grants.number")), .init(title: l("grants.title")),
                .init(title: l("grants.score"), numeric: true), .init(title: l("grants.requested"), numeric: true),
                .init(title: l("grants.ranking.cumulative"), numeric: true), .init(title: l("grants.ranking.funded")),
            ], rows: body, captionHidden: true),
            UI.pagination(l, page: page, pageCount: pages) { "/appels/\(call.code)/classement?page=\($0)" })
    }

    static func dashboard(_ layout: Layout, program: GrantProgramModel, data: GrantPages.Dashboard, territory: TerritoryDirectory) -> String {
        let l = layout.l
        let title = l("grants.dashboard_of", ["program": program.name(l.language)])
        let available = data.envelopes.reduce(Int64(0)) { $0 + $1.totalCents }
        let phaseName = { (id: String) in program.workflow.phase(id)?.name(l.language) ?? id }
        return layout.render(title: title, breadcrumbs: crumbs(l, (program.name(l.language), "/programmes/\(program.code)"), (l("grants.dashboard"), nil)),
            .h1(.text(title)),
            .p(H.a(l("grants.csv"), href: "/programmes/\(program.code)/tableau.csv")),
            .h2(.text(l("grants.dashboard.by_phase"))),
            Charts.rows(id: "phases", title: l("grants.dashboard.by_phase"),
                        rows: data.byPhase.map { (phaseName($0.phase), Double($0.count), l.format.integer($0.count)) }),
            UI.table(caption: l("grants.dashboard.by_phase"), columns: [.init(title: l("grants.phase")), .init(title: l("grants.count"), numeric: true),
                                                                       .init(title: l("grants.requested"), numeric: true)],
                     rows: data.byPhase.map { [.text(phaseName($0.phase)), .text(l.format.integer($0.count)), .text(money(l, $0.requested))] }),
            .h2(.text(l("grants.dashboard.requested_available"))),
            Charts.rows(id: "argent", title: l("grants.dashboard.requested_available"), rows: [
                (l("grants.dashboard.requested"), Double(data.requested) / 100, money(l, data.requested)),
                (l("grants.dashboard.available"), Double(available) / 100, money(l, available)),
            ]),
            UI.summaryList([(l("grants.dashboard.requested"), .text(money(l, data.requested))),
                            (l("grants.dashboard.available"), .text(money(l, available)))]),
            envelopeTable(l, data.envelopes),
            .h2(.text(l("grants.dashboard.by_region"))),
            Charts.rows(id: "regions", title: l("grants.dashboard.by_region"), rows: data.byRegion.map {
                (territory.region($0.region)?.record.name ?? $0.region, Double($0.requested) / 100, money(l, $0.requested))
            }),
            UI.table(caption: l("grants.dashboard.by_region"), columns: [.init(title: l("grants.region")), .init(title: l("grants.count"), numeric: true),
                                                                        .init(title: l("grants.requested"), numeric: true)],
                     rows: data.byRegion.map { [.text(territory.region($0.region).map { "\($0.record.name) (\($0.record.code))" } ?? $0.region),
                                                .text(l.format.integer($0.count)), .text(money(l, $0.requested))] }))
    }

    static func formula(_ layout: Layout, program: GrantProgramModel, envelope: GrantEnvelopeModel?, allocations: [Grants.Allocation]) -> String {
        let l = layout.l
        let title = l("grants.formula_of", ["program": program.name(l.language)])
        let sum = allocations.reduce(Int64(0)) { $0 + $1.cents }
        return layout.render(title: title, breadcrumbs: crumbs(l, (program.name(l.language), "/programmes/\(program.code)"), (l("grants.formula"), nil)),
            .h1(.text(title)),
            .p(.text(program.rules(l.language))),
            envelope.map { e in .group(
                UI.summaryList([(l("grants.fiscal_year"), .text(e.fiscalYear)), (l("grants.envelope.total"), .text(money(l, e.totalCents))),
                                (l("grants.formula.sum"), .text(money(l, sum))),
                                (l("grants.formula.count"), .text(l.format.integer(allocations.count)))]),
                .p(H.a(l("grants.csv"), href: "/programmes/\(program.code)/repartition.csv?exercice=\(e.fiscalYear)")),
                UI.table(caption: title, columns: [.init(title: l("grants.organisation")), .init(title: l("grants.formula.region")),
                                                  .init(title: l("grants.formula.indicator"), numeric: true), .init(title: l("grants.amount"), numeric: true)],
                         rows: allocations.map { [.text($0.name), .text($0.region), .text(l.format.integer($0.indicator)), .text(money(l, $0.cents))] },
                         captionHidden: true)) } ?? .p(.text(l("grants.formula.no_envelope"))))
    }
}
