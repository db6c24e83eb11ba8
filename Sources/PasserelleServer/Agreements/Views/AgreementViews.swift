import Foundation
import PasserelleCore
import Plot

enum AgreementViews {
    static func money(_ l: Localizer, _ cents: Int64) -> String { l.format.money(Money(cents: cents)) }

    static func day(_ l: Localizer, _ iso: String) -> String { CalendarDate(iso: iso).map { l.format.date($0) } ?? iso }

    static func stateTag(_ l: Localizer, _ state: String) -> BodyNode {
        let status: UI.TagStatus = switch state {
        case "in_force", "paid", "accepted", "approved", "closed": .success
        case "awaiting_signatures", "submitted", "pending_approval", "due", "in_run", "prepared": .warning
        case "failed", "changes_requested", "cancelled": .error
        default: .neutral
        }
        return UI.tag(l("agreements.state.\(state)"), status)
    }

    static func crumbs(_ l: Localizer, _ last: String, _ agreement: String? = nil) -> [(label: String, href: String?)] {
        [(l("nav.home"), "/"), (l("agreements.title"), "/conventions")] + (agreement.map { [($0, "/conventions/\($0)")] } ?? []) + [(last, nil)]
    }

    /// The terms' inputs, what was typed kept.
    static func termInputs(_ l: Localizer, form: [String: String], errors: FormInput.Errors, amount: Bool) -> BodyNode {
        let error = { (field: String) in FormInput.error(errors, field) }
        return .group(
            amount ? UI.textField(name: "montant", label: l("agreements.amount"), value: form["montant"] ?? "", error: error("montant"),
                                  width: "short") : .empty,
            UI.textField(name: "mois", label: l("agreements.months"), value: form["mois"] ?? "", hint: l("agreements.months_hint"),
                         error: error("mois"), width: "short"),
            UI.textField(name: "versements", label: l("agreements.instalments"), value: form["versements"] ?? "",
                         hint: l("agreements.instalments_hint"), error: error("versements"), width: "short"),
            UI.textField(name: "retenue", label: l("agreements.holdback"), value: form["retenue"] ?? "", hint: l("agreements.holdback_hint"),
                         error: error("retenue"), width: "short"),
            UI.select(name: "mode", label: l("agreements.mode"), options: ScheduleTerms.Mode.allCases.map { ($0.rawValue, l("agreements.mode.\($0.rawValue)")) },
                      selected: form["mode"]),
            UI.checkboxes(name: "aligne", legend: l("agreements.align_legend"), options: [("1", l("agreements.align"))],
                          selected: form["aligne"] == "1" ? ["1"] : []),
            UI.textArea(name: "conditions", label: l("agreements.conditions"), value: form["conditions"] ?? "", hint: l("agreements.conditions_hint"),
                        rows: 4))
    }

    static func newAgreement(_ layout: Layout, application: GrantApplicationModel?,
                             programs: [GrantProgramModel], form: [String: String], errors: FormInput.Errors, csrf: String) -> String {
        let l = layout.l
        let title = application.map { l("agreements.new_from", ["number": $0.number]) } ?? l("agreements.new_framework")
        let error = { (field: String) in FormInput.error(errors, field) }
        return layout.render(title: title, breadcrumbs: crumbs(l, title),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.text(l(application == nil ? "agreements.framework_lead" : "agreements.new_lead"))),
            .unwrap(application) { a in
                UI.summaryList([(l("grants.number"), H.a(a.number, href: "/aide/\(a.number)")), (l("grants.title"), .text(a.title)),
                                (l("grants.organisation"), .text(a.organisation.name)),
                                (l("agreements.amount"), .text(l("agreements.amount_decided")))])
            },
            H.el("form", H.attr("action", application.map { "/aide/\($0.number)/convention" } ?? "/conventions"), H.attr("method", "post"),
                 H.attr("novalidate", ""), UI.csrfField(csrf),
                 application == nil ? .group(
                     UI.textField(name: "titre", label: l("agreements.title_field"), value: form["titre"] ?? "", error: error("titre")),
                     UI.textField(name: "organisation", label: l("agreements.organisation"), value: form["organisation"] ?? "",
                                  hint: l("agreements.organisation_hint"), error: error("organisation"), width: "short"),
                     UI.select(name: "programme", label: l("grants.program"), options: [("", l("agreements.no_program"))]
                               + programs.map { ($0.code, $0.name(l.language)) }, selected: form["programme"])) : .empty,
                 termInputs(l, form: form, errors: errors, amount: application == nil),
                 UI.button(l("agreements.create"))))
    }

    static func list(_ layout: Layout, rows: [AgreementModel], total: Int, page: Int, state: String, ministry: Bool) -> String {
        let l = layout.l
        let states = ["awaiting_signatures", "in_force", "closed", "cancelled"]
        return layout.render(title: l("agreements.title"), breadcrumbs: [(l("nav.home"), "/"), (l("agreements.title"), nil)],
            .h1(.text(l("agreements.title"))),
            ministry ? .p(H.a(l("agreements.new_framework"), href: "/conventions/nouvelle", .class("button button--secondary")), .text(" "),
                          H.a(l("payments.title"), href: "/paiements")) : .empty,
            H.el("form", H.attr("action", "/conventions"), H.attr("method", "get"), .class("filters"),
                 UI.select(name: "etat", label: l("agreements.state"), options: [("", l("grants.all"))] + states.map { ($0, l("agreements.state.\($0)")) },
                           selected: state),
                 UI.button(l("grants.filter"), kind: .secondary)),
            .p(.text(l("agreements.count", ["count": l.format.integer(total)]))),
            rows.isEmpty ? .p(.text(l("agreements.none"))) : UI.table(caption: l("agreements.title"), columns: [
                .init(title: l("agreements.number")), .init(title: l("grants.title")), .init(title: l("grants.organisation")),
                .init(title: l("agreements.amount"), numeric: true), .init(title: l("agreements.paid"), numeric: true),
                .init(title: l("agreements.state")),
            ], rows: rows.map { a in [H.a(a.number, href: "/conventions/\(a.number)"), .text(a.title), .text(a.organisation.name),
                                      .text(money(l, a.amountCents)), .text(money(l, a.paidCents)), stateTag(l, a.state)] },
            captionHidden: true),
            UI.pagination(l, page: page, pageCount: max(1, (total + 49) / 50)) { "/conventions?page=\($0)" + (state.isEmpty ? "" : "&etat=\(state)") })
    }

    static func release(_ l: Localizer, _ release: String) -> String {
        if release == "date" { return l("agreements.release.date") }
        if release == "final" { return l("agreements.release.final") }
        return l("agreements.release.report", ["number": String(release.dropFirst("report:".count))])
    }

    static func page(_ layout: Layout, agreement a: AgreementModel, data: AgreementPages.PageData, side: Agreements.Side?, ministry: Bool,
                     mayChange: Bool, indicators: [RequestField], errors: FormInput.Errors, form: [String: String], csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let title = l("agreements.page_title", ["number": a.number])
        let terms = a.terms
        let version = H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(a.version))])
        let commitments = Dictionary(grouping: data.payments.filter { $0.state != "cancelled" }, by: \.governmentYear)
            .map { (year: $0.key, planned: $0.value.reduce(Int64(0)) { $0 + $1.cents },
                    paid: $0.value.filter { $0.state == "paid" }.reduce(Int64(0)) { $0 + $1.cents },
                    carried: $0.value.filter { GovernmentFiscalYear(containing: CalendarDate(iso: $0.plannedOn) ?? .today).description != $0.governmentYear }
                        .reduce(Int64(0)) { $0 + $1.cents }) }
            .sorted { $0.year < $1.year }
        let mySignature = side == .ministry ? a.ministrySignedAt : side == .municipality ? a.municipalitySignedAt : nil
        let openReport = data.reports.first { ["expected", "changes_requested"].contains($0.state) }
        return layout.render(title: title, breadcrumbs: crumbs(l, a.number),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(stateTag(l, a.state)),
            UI.summaryList([
                (l("agreements.kind"), .text(l("agreements.kind.\(a.kind)"))),
                (l("grants.title"), .text(a.title)),
                (l("grants.organisation"), .text(a.organisation.name)),
                (l("grants.program"), .text(a.program?.name(l.language) ?? l("agreements.no_program"))),
                (l("agreements.application"), a.application.map { H.a($0.number, href: "/aide/\($0.number)") } ?? .text("—")),
                (l("agreements.amount"), .text(money(l, a.amountCents))),
                (l("agreements.term"), .text(terms.map { l("agreements.term_text", ["start": l.format.date($0.start), "end": l.format.date($0.end),
                                                                                   "months": String($0.months)]) } ?? "")),
                (l("agreements.holdback"), .text(terms.map { ProgramText.percent($0.holdbackBasisPoints) + "\u{00A0}%" } ?? "")),
                (l("agreements.paid"), .text(money(l, a.paidCents))),
                (l("agreements.in_run"), .text(money(l, a.inRunCents))),
                (l("agreements.owed"), .text(money(l, a.owedCents))),
                (l("agreements.revision"), .text(String(a.revision))),
            ]),
            a.conditions.isEmpty ? .empty : .group(.h2(.text(l("agreements.conditions"))), .p(.class("pre-wrap"), .text(a.conditions))),
            .h2(.id("signatures"), .text(l("agreements.signatures"))),
            UI.summaryList([
                (l("agreements.signature.ministry"), .text(a.ministrySignedAt.map { l("agreements.signed", ["name": a.ministrySignedBy ?? "",
                                                                                                            "at": l.format.dateTime($0)]) }
                    ?? l("agreements.awaiting_signature"))),
                (l("agreements.signature.municipality"), .text(a.municipalitySignedAt.map { l("agreements.signed", ["name": a.municipalitySignedBy ?? "",
                                                                                                                    "at": l.format.dateTime($0)]) }
                    ?? l("agreements.awaiting_signature"))),
            ]),
            .unwrap(error("signature")) { UI.notice($0, kind: .error) },
            a.state == "awaiting_signatures" && side != nil && mySignature == nil ? H.el("form", H.attr("action", "/conventions/\(a.number)/signature"),
                H.attr("method", "post"), UI.csrfField(csrf), version,
                .p(.text(l(side == .ministry ? "agreements.sign_lead.ministry" : "agreements.sign_lead.municipality"))),
                UI.button(l("agreements.sign"))) : .empty,
            .h2(.id("versements"), .text(l("agreements.schedule"))),
            data.payments.isEmpty ? .p(.text(l("agreements.schedule_after_signatures"))) : UI.table(caption: l("agreements.schedule"), columns: [
                .init(title: "#", numeric: true), .init(title: l("agreements.payment.kind")), .init(title: l("agreements.payment.due")),
                .init(title: l("agreements.amount"), numeric: true), .init(title: l("agreements.government_year")),
                .init(title: l("agreements.municipal_year")), .init(title: l("agreements.payment.release")), .init(title: l("agreements.state")),
            ], rows: data.payments.map { p in [
                .text(String(p.sequence)), .text(l("agreements.payment.kind.\(p.kind)")),
                .text(day(l, p.dueOn) + (p.dueOn == p.plannedOn ? "" : " " + l("agreements.payment.planned_on", ["date": day(l, p.plannedOn)]))),
                .text(money(l, p.cents)), .text(p.governmentYear), .text(String(p.municipalYear)), .text(release(l, p.release)),
                stateTag(l, p.state),
            ] }),
            commitments.isEmpty ? .empty : .group(
                .h3(.text(l("agreements.commitments"))),
                UI.table(caption: l("agreements.commitments"), columns: [
                    .init(title: l("agreements.government_year")), .init(title: l("agreements.committed"), numeric: true),
                    .init(title: l("agreements.carried_over"), numeric: true), .init(title: l("agreements.paid"), numeric: true),
                ], rows: commitments.map { [.text($0.year), .text(money(l, $0.planned)), .text(money(l, $0.carried)), .text(money(l, $0.paid))] })),
            mayChange && a.state == "in_force" && !data.payments.isEmpty ? H.el("form", H.attr("action", "/conventions/\(a.number)/report"),
                H.attr("method", "post"), H.attr("novalidate", ""), UI.csrfField(csrf),
                .h3(.text(l("agreements.carry_over"))),
                UI.select(name: "versement", label: l("agreements.payment"), options: data.payments
                    .filter { ["planned", "awaiting_report", "due", "failed"].contains($0.state) }
                    .map { (String($0.sequence), "\($0.sequence) — \(day(l, $0.dueOn)) — \(money(l, $0.cents))") },
                          selected: form["versement"], error: error("versement")),
                UI.textField(name: "date", label: l("agreements.new_date"), value: form["date"] ?? "", error: error("date"), type: "date",
                             width: "short"),
                UI.textField(name: "motif", label: l("agreements.reason"), value: form["motif"] ?? ""),
                UI.button(l("agreements.carry_over_submit"), kind: .secondary)) : .empty,
            .h2(.id("rapports"), .text(l("agreements.reports"))),
            data.reports.isEmpty ? .p(.text(l("agreements.reports_after_signatures"))) : UI.table(caption: l("agreements.reports"), columns: [
                .init(title: "#", numeric: true), .init(title: l("agreements.report.kind")), .init(title: l("agreements.report.due")),
                .init(title: l("agreements.state")), .init(title: l("agreements.report.costs"), numeric: true),
            ], rows: data.reports.map { r in [
                .text(String(r.sequence)), .text(l(r.isFinal ? "agreements.report.final" : "agreements.report.milestone")),
                .text(day(l, r.dueOn)), stateTag(l, r.state), .text(r.submittedAt == nil ? "—" : money(l, r.costsCents)),
            ] }),
            .group(data.reports.filter { $0.state == "submitted" || $0.state == "accepted" || $0.state == "changes_requested" && !$0.reviewNote.isEmpty }
                .map { r in .div(.class("card"),
                    .h3(.text(l("agreements.report.heading", ["number": String(r.sequence)]))),
                    UI.summaryList(indicators.map { f in (f.label(l.language), .text((r.answers[f.code] ?? []).joined(separator: ", "))) }
                                   + [(l("agreements.report.costs"), .text(money(l, r.costsCents))), (l("agreements.report.note"), .text(r.note)),
                                      (l("agreements.report.submitted"), .text([r.submittedBy ?? "", r.submittedAt.map { l.format.dateTime($0) } ?? ""]
                                        .joined(separator: " — ")))]
                                   + (r.reviewNote.isEmpty ? [] : [(l("agreements.report.review_note"), .text(r.reviewNote))])),
                    .unwrap(error("rapport-\(r.sequence)")) { UI.notice($0, kind: .error) },
                    mayChange && r.state == "submitted" ? H.el("form", H.attr("action", "/conventions/\(a.number)/rapports/\(r.sequence)/revue"),
                        H.attr("method", "post"), UI.csrfField(csrf),
                        H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(r.version))]),
                        UI.select(name: "decision", label: l("agreements.report.decision"),
                                  options: [("accept", l("agreements.report.accept")), ("send_back", l("agreements.report.send_back"))], selected: nil),
                        UI.textArea(name: "note", label: l("agreements.report.review_note"), value: "", hint: l("agreements.report.review_hint"),
                                    rows: 3),
                        UI.button(l("agreements.report.review"))) : .empty)
                }),
            side == .municipality || (!ministry && side == nil) ? .unwrap(openReport.flatMap { a.state == "in_force" ? $0 : nil }) { r in
                H.el("form", H.attr("action", "/conventions/\(a.number)/rapports/\(r.sequence)"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(r.version))]),
                     .h3(.text(l("agreements.report.submit_heading", ["number": String(r.sequence), "due": day(l, r.dueOn)]))),
                     .unwrap(error("rapport-\(r.sequence)")) { UI.notice($0, kind: .error) },
                     r.reviewNote.isEmpty ? .empty : UI.notice(l("agreements.report.changes", ["note": r.reviewNote]), kind: .warning),
                     Questions.inputs(l, indicators, answers: Dictionary(uniqueKeysWithValues: indicators.map {
                         ($0.code, [form["champ_\($0.code)"] ?? (r.answers[$0.code]?.first ?? "")])
                     }), errors: errors, keptFiles: []),
                     UI.textField(name: "couts", label: l("agreements.report.costs"), value: form["couts"] ?? "", error: error("couts"), width: "short"),
                     UI.textArea(name: "note", label: l("agreements.report.note"), value: form["note"] ?? "", rows: 3),
                     UI.button(l("agreements.report.submit")))
            } : .empty,
            mayChange && a.state == "in_force" ? H.el("form", H.attr("action", "/conventions/\(a.number)/avenant"), H.attr("method", "post"),
                H.attr("novalidate", ""), UI.csrfField(csrf), version,
                .h2(.id("avenant"), .text(l("agreements.amend"))),
                .p(.text(l("agreements.amend_lead"))),
                termInputs(l, form: form.isEmpty || form["raison"] == nil ? [
                    "montant": MoneyInput.plain(a.amountCents), "mois": String(terms?.months ?? 12), "versements": String(terms?.instalments ?? 1),
                    "retenue": ProgramText.percent(terms?.holdbackBasisPoints ?? 0), "mode": terms?.mode.rawValue ?? "", "conditions": a.conditions,
                ] : form, errors: errors, amount: true),
                UI.textArea(name: "raison", label: l("agreements.amend_reason"), value: form["raison"] ?? "", error: error("raison"), rows: 2),
                UI.button(l("agreements.amend_submit"), kind: .secondary)) : .empty,
            data.revisions.isEmpty ? .empty : .group(
                .h2(.text(l("agreements.revisions"))),
                UI.table(caption: l("agreements.revisions"), columns: [.init(title: l("agreements.revision"), numeric: true),
                                                                       .init(title: l("grants.version.date")), .init(title: l("grants.version.author")),
                                                                       .init(title: l("agreements.amount"), numeric: true),
                                                                       .init(title: l("agreements.reason"))],
                         rows: data.revisions.map { r in [H.a(String(r.revision), href: "/conventions/\(a.number)/revisions/\(r.revision)"),
                                                          .text(r.createdAt.map { l.format.dateTime($0) } ?? ""), .text(r.authorName),
                                                          .text(money(l, r.amountCents)),
                                                          .text(r.reason.isEmpty ? l("agreements.revision.signed") : r.reason)] },
                         captionHidden: true)))
    }

    static func revision(_ layout: Layout, agreement a: AgreementModel, revision r: AgreementRevisionModel) -> String {
        let l = layout.l
        let title = l("agreements.revision_title", ["number": a.number, "revision": String(r.revision)])
        let terms = r.terms
        let lines = terms.map(PaymentSchedule.make) ?? []
        return layout.render(title: title, breadcrumbs: crumbs(l, l("agreements.revision") + " \(r.revision)", a.number),
            .h1(.text(title)),
            UI.summaryList([
                (l("grants.version.date"), .text(r.createdAt.map { l.format.dateTime($0) } ?? "")),
                (l("grants.version.author"), .text(r.authorName)),
                (l("agreements.reason"), .text(r.reason.isEmpty ? l("agreements.revision.signed") : r.reason)),
                (l("grants.title"), .text(r.title)),
                (l("agreements.amount"), .text(money(l, r.amountCents))),
                (l("agreements.term"), .text(terms.map { l("agreements.term_text", ["start": l.format.date($0.start), "end": l.format.date($0.end),
                                                                                   "months": String($0.months)]) } ?? "")),
                (l("agreements.conditions"), .text(r.conditions)),
            ]),
            .h2(.text(l("agreements.schedule"))),
            UI.table(caption: l("agreements.schedule"), columns: [
                .init(title: "#", numeric: true), .init(title: l("agreements.payment.due")), .init(title: l("agreements.amount"), numeric: true),
                .init(title: l("agreements.government_year")), .init(title: l("agreements.municipal_year")),
            ], rows: lines.map { [.text(String($0.sequence)), .text(l.format.date($0.dueOn)), .text(money(l, $0.cents)),
                                  .text($0.governmentYear.description), .text(String($0.municipalYear))] }))
    }
}

enum PaymentRunViews {
    static func list(_ layout: Layout, runs: [PaymentRunModel], due: (count: Int, cents: Int64), today: CalendarDate, errors: FormInput.Errors,
                     form: [String: String], csrf: String, page: Int = 1, pageCount: Int = 1) -> String {
        let l = layout.l
        return layout.render(title: l("payments.title"), breadcrumbs: [(l("nav.home"), "/"), (l("payments.title"), nil)],
            .h1(.text(l("payments.title"))),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.text(l("payments.due_today", ["count": l.format.integer(due.count), "total": AgreementViews.money(l, due.cents)]))),
            H.el("form", H.attr("action", "/paiements/lots"), H.attr("method", "post"), H.attr("novalidate", ""), UI.csrfField(csrf),
                 UI.textField(name: "date", label: l("payments.run_date"), value: form["date"] ?? today.iso, hint: l("payments.run_date_hint"),
                              error: FormInput.error(errors, "date"), type: "date", width: "short"),
                 UI.button(l("payments.prepare"))),
            .h2(.text(l("payments.runs"))),
            runs.isEmpty ? .p(.text(l("payments.none"))) : UI.table(caption: l("payments.runs"), columns: [
                .init(title: l("payments.run")), .init(title: l("payments.run_date")), .init(title: l("payments.count"), numeric: true),
                .init(title: l("payments.total"), numeric: true), .init(title: l("agreements.state")),
            ], rows: runs.map { r in [H.a(r.number, href: "/paiements/lots/\(r.number)"), .text(AgreementViews.day(l, r.runOn)),
                                      .text(l.format.integer(r.count)), .text(AgreementViews.money(l, r.totalCents)),
                                      AgreementViews.stateTag(l, r.state)] }, captionHidden: true),
            UI.pagination(l, page: page, pageCount: pageCount) { "/paiements?page=\($0)" })
    }

    static func run(_ layout: Layout, run: PaymentRunModel, lines: [AgreementQueries.RunLine], page: Int,
                    refused: [(agreement: String, asked: Int64, owed: Int64)], errors: FormInput.Errors, csrf: String) -> String {
        let l = layout.l
        let title = l("payments.run_title", ["number": run.number])
        let version = H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(run.version))])
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("payments.title"), "/paiements"), (run.number, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(AgreementViews.stateTag(l, run.state)),
            UI.summaryList([
                (l("payments.run_date"), .text(AgreementViews.day(l, run.runOn))),
                (l("payments.count"), .text(l.format.integer(run.count))),
                (l("payments.total"), .text(AgreementViews.money(l, run.totalCents))),
                (l("payments.prepared_by"), .text(run.preparedBy)),
                (l("payments.approved_by"), .text([run.approvedBy, run.secondBy].compactMap { $0 }.joined(separator: ", ").nilIfEmpty ?? "—")),
            ]),
            refused.isEmpty ? .empty : .group(
                UI.notice(l("payments.refused_lead", ["count": l.format.integer(refused.count)]), kind: .warning),
                UI.table(caption: l("payments.refused"), columns: [.init(title: l("agreements.number")),
                                                                   .init(title: l("payments.asked"), numeric: true),
                                                                   .init(title: l("agreements.owed"), numeric: true)],
                         rows: refused.map { [H.a($0.agreement, href: "/conventions/\($0.agreement)"), .text(AgreementViews.money(l, $0.asked)),
                                              .text(AgreementViews.money(l, $0.owed))] })),
            ["prepared", "pending_approval"].contains(run.state) ? H.el("form", H.attr("action", "/paiements/lots/\(run.number)/approbation"),
                H.attr("method", "post"), UI.csrfField(csrf), version,
                .p(.text(l(run.state == "prepared" ? "payments.approve_lead" : "payments.second_lead"))),
                .unwrap(FormInput.error(errors, "approbation")) { UI.notice($0, kind: .error) },
                UI.button(l(run.state == "prepared" ? "payments.approve" : "payments.second"))) : .empty,
            run.state == "approved" || run.state == "closed" ? .p(H.a(l("payments.export"), href: "/paiements/lots/\(run.number)/export.csv")) : .empty,
            run.state == "approved" ? H.el("form", H.attr("action", "/paiements/lots/\(run.number)/confirmation"), H.attr("method", "post"),
                UI.csrfField(csrf), version,
                .h2(.text(l("payments.confirm_heading"))),
                .p(.text(l("payments.confirm_lead"))),
                .unwrap(FormInput.error(errors, "confirmation")) { UI.notice($0, kind: .error) },
                UI.checkboxes(name: "echoues", legend: l("payments.failed"), options: lines.map { ($0.id.uuidString, "\($0.agreement) #\($0.sequence) — \(AgreementViews.money(l, $0.cents))") },
                              selected: []),
                UI.button(l("payments.confirm"))) : .empty,
            .h2(.text(l("payments.lines"))),
            UI.table(caption: l("payments.lines"), columns: [
                .init(title: l("agreements.number")), .init(title: l("grants.organisation")), .init(title: "#", numeric: true),
                .init(title: l("agreements.payment.due")), .init(title: l("agreements.government_year")), .init(title: l("agreements.municipal_year")),
                .init(title: l("agreements.amount"), numeric: true), .init(title: l("agreements.state")),
            ], rows: lines.map { x in [H.a(x.agreement, href: "/conventions/\(x.agreement)"), .text(x.organisation), .text(String(x.sequence)),
                                       .text(AgreementViews.day(l, x.dueOn)), .text(x.governmentYear), .text(String(x.municipalYear)),
                                       .text(AgreementViews.money(l, x.cents)), AgreementViews.stateTag(l, x.state)] }, captionHidden: true),
            UI.pagination(l, page: page, pageCount: max(1, (run.count + PaymentRunPages.pageSize - 1) / PaymentRunPages.pageSize)) {
                "/paiements/lots/\(run.number)?page=\($0)"
            })
    }
}
