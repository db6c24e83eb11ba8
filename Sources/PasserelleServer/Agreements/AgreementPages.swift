import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

extension Request {
    private struct AgreementKey: StorageKey { typealias Value = AgreementModel }

    /// The agreement of a `/conventions/:numero` route, loaded by its policy.
    var agreement: AgreementModel? {
        get { storage[AgreementKey.self] }
        set { storage[AgreementKey.self] = newValue }
    }
}

/// The agreements' pages: made from an approved application or on their own, signed by both
/// sides, amended into revisions; their schedule in both fiscal calendars, their commitments by
/// government year, their reports; and the payment runs.
struct AgreementPages: Sendable {

    static let owner: @Sendable (Request) async throws -> RecordOwner? = { req in
        guard let number = req.parameters.get("numero"),
              let agreement = try await AgreementModel.query(on: req.db).filter(\.$number == number)
                .with(\.$organisation).with(\.$program).with(\.$application).first() else { return nil }
        req.agreement = agreement
        return RecordOwner(ownerID: agreement.$organisation.id)
    }

    static func loaded(_ req: Request) async throws -> AgreementModel {
        if let agreement = req.agreement { return agreement }
        _ = try await owner(req)
        guard let agreement = req.agreement else { throw Problem.notFound() }
        return agreement
    }

    static func message(_ l: Localizer, _ refusal: Agreements.Refusal) -> String {
        switch refusal {
        case .stale: l("agreements.refusal.stale")
        case .notApproved: l("agreements.refusal.not_approved")
        case .exists(let number): l("agreements.refusal.exists", ["number": number])
        case .terms(let keys): keys.map { l($0) }.joined(separator: " ")
        case .notASigner: l("agreements.refusal.not_a_signer")
        case .alreadySigned: l("agreements.refusal.already_signed")
        case .notInForce: l("agreements.refusal.not_in_force")
        case .reasonRequired: l("agreements.refusal.reason")
        case .belowPaid(let paid): l("agreements.refusal.below_paid", ["paid": l.format.money(Money(cents: paid))])
        case .wrongState: l("agreements.refusal.wrong_state")
        case .overBalance(let owed, let asked):
            l("agreements.refusal.over_balance", ["owed": l.format.money(Money(cents: owed)), "asked": l.format.money(Money(cents: asked))])
        case .limitTooLow(let limit): l("agreements.refusal.limit", ["limit": l.format.money(Money(cents: limit))])
        case .sameApprover: l("agreements.refusal.same_approver")
        }
    }

    static func status(_ refusal: Agreements.Refusal) -> HTTPResponseStatus {
        switch refusal {
        case .stale, .exists, .overBalance, .notASigner, .alreadySigned: .conflict
        default: .unprocessableEntity
        }
    }

    // MARK: terms

    /// The schedule's terms as typed, or what is wrong field by field.
    static func terms(_ form: [String: String], amount: Int64?, start: CalendarDate, _ l: Localizer) -> (ScheduleTerms?, FormInput.Errors) {
        var errors: FormInput.Errors = []
        let months = Int(form["mois"] ?? "")
        if months.map({ (1...120).contains($0) }) != true { errors.append(("mois", l("agreements.error.months"))) }
        let instalments = Int(form["versements"] ?? "")
        if instalments.map({ (1...40).contains($0) }) != true { errors.append(("versements", l("agreements.error.instalments"))) }
        var holdback = 0
        if let text = form["retenue"], !text.isEmpty {
            if let value = ProgramText.basisPoints(text), value <= 5000 { holdback = value } else {
                errors.append(("retenue", l("agreements.error.holdback")))
            }
        }
        let mode = ScheduleTerms.Mode(rawValue: form["mode"] ?? "") ?? .fixedDates
        if amount.map({ $0 > 0 }) != true { errors.append(("montant", l("agreements.error.amount"))) }
        guard errors.isEmpty, let months, let instalments, let amount else { return (nil, errors) }
        return (ScheduleTerms(totalCents: amount, start: start, months: months, instalments: instalments, holdbackBasisPoints: holdback,
                              mode: mode, alignWithMunicipalYear: form["aligne"] == "1"), [])
    }

    static let termFields = ["mois", "versements", "retenue", "mode", "aligne", "conditions", "montant", "titre", "organisation", "programme"]

    // MARK: from an application

    @Sendable func fromApplication(_ req: Request) async throws -> Response {
        guard let application = try await GrantQueries.application(number: req.parameters.get("numero") ?? "", on: req.db) else {
            throw Problem.notFound()
        }
        if let existing = try await AgreementModel.query(on: req.db).filter(\.$application.$id == application.requireID()).first() {
            return req.redirect(to: "/conventions/\(existing.number)", redirectType: .normal)
        }
        return AgreementViews.newAgreement(Layout(req), application: application, programs: [],
                                           form: ["mois": "36", "versements": "3", "retenue": "10", "mode": "milestones"], errors: [],
                                           csrf: CSRF.sessionToken(req)).page(status: .ok)
    }

    @Sendable func createFromApplication(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let application = try await GrantQueries.application(number: req.parameters.get("numero") ?? "", on: req.db) else {
            throw Problem.notFound()
        }
        let l = req.localizer
        let form = FormInput.fields(req, Self.termFields)
        let (terms, errors) = Self.terms(form, amount: application.requestedCents, start: req.application.today, l)
        let page = { (errors: FormInput.Errors, status: HTTPResponseStatus) in
            AgreementViews.newAgreement(Layout(req), application: application, programs: [], form: form, errors: errors,
                                        csrf: CSRF.sessionToken(req)).page(status: status)
        }
        guard let terms else { return page(errors, .unprocessableEntity) }
        do {
            let agreement = try await req.write { db in
                try await Agreements.create(from: application, terms: terms, conditions: form["conditions"] ?? "", as: req.caller, on: db)
            }
            return req.redirect(to: "/conventions/\(agreement.number)", redirectType: .normal)
        } catch let refusal as Agreements.Refusal {
            return page([("mois", Self.message(l, refusal))], Self.status(refusal))
        }
    }

    // MARK: framework agreements

    @Sendable func newFramework(_ req: Request) async throws -> Response {
        try await frameworkPage(req, form: ["mois": "60", "versements": "5", "retenue": "", "mode": "fixed_dates"], errors: [], status: .ok)
    }

    func frameworkPage(_ req: Request, form: [String: String], errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let programs = try await GrantProgramModel.query(on: req.db).sort(\.$nameFr).all()
        return AgreementViews.newAgreement(Layout(req), application: nil, programs: programs, form: form, errors: errors,
                                           csrf: CSRF.sessionToken(req)).page(status: status)
    }

    @Sendable func createFramework(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = FormInput.fields(req, Self.termFields)
        let amount = Money(parsing: form["montant"] ?? "")?.cents
        let (terms, found) = Self.terms(form, amount: amount, start: req.application.today, l)
        var errors = found
        let title = form["titre"] ?? ""
        if title.isEmpty || title.count > 300 { errors.append(("titre", l("agreements.error.title"))) }
        let organisation = try await OrganisationQueries.find(code: form["organisation"] ?? "", on: req.db)
        if organisation == nil || organisation?.kind == .ministryUnit { errors.append(("organisation", l("agreements.error.organisation"))) }
        let program = try await GrantProgramModel.query(on: req.db).filter(\.$code == (form["programme"] ?? "")).first()
        guard errors.isEmpty, let validTerms = terms, let organisation else {
            return try await frameworkPage(req, form: form, errors: errors, status: .unprocessableEntity)
        }
        let agreement = try await req.write { db in
            try await Agreements.createFramework(organisation: organisation, program: program, title: title, terms: validTerms,
                                                 conditions: form["conditions"] ?? "", as: req.caller, on: db)
        }
        return req.redirect(to: "/conventions/\(agreement.number)", redirectType: .normal)
    }

    // MARK: list and page

    /// The agreements the caller may read (`etat` filters), newest first, 50 a page: the page's and
    /// the API's list.
    static func listed(_ req: Request, perPage: Int = 50) async throws -> (rows: [AgreementModel], total: Int, page: Int, state: String) {
        // Those who may read no municipality's financial aid see an empty list.
        let scope = Policy.readableOwners(req.accessActor, service: .grants, on: req.application.today) ?? .only([])
        let query = AgreementModel.query(on: req.db).with(\.$organisation).with(\.$program).with(\.$application)
            .sort(\.$createdAt, .descending).sort(\.$number, .descending)
        switch scope {
        case .all: break
        case .only(let owners), .territory(let owners, _): query.filter(\.$organisation.$id ~~ owners)
        // An evaluator reads applications, not agreements.
        case .assigned: query.filter(\.$organisation.$id ~~ [UUID]())
        }
        let state = req.query[String.self, at: "etat"] ?? ""
        if !state.isEmpty { query.filter(\.$state == state) }
        let page = try FormInput.page(req)
        let total = try await query.count()
        return (try await query.range(((page - 1) * perPage)..<(page * perPage)).all(), total, page, state)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let found = try await Self.listed(req)
        return AgreementViews.list(Layout(req), rows: found.rows, total: found.total, page: found.page, state: found.state,
                                   ministry: req.accessActor.isMinistry).page(status: .ok)
    }

    struct PageData: Sendable {
        var payments: [AgreementPaymentModel]
        var reports: [AgreementReportModel]
        var revisions: [AgreementRevisionModel]
    }

    func showPage(_ req: Request, _ agreement: AgreementModel, errors: FormInput.Errors, form: [String: String] = [:],
                  status: HTTPResponseStatus) async throws -> Response {
        let id = try agreement.requireID()
        let schedule = try await Agreements.schedule(of: agreement, on: req.db)
        let data = PageData(
            payments: schedule.payments, reports: schedule.reports,
            revisions: try await AgreementRevisionModel.query(on: req.db).filter(\.$agreement.$id == id).sort(\.$revision).all())
        return AgreementViews.page(Layout(req), agreement: agreement, data: data, side: Agreements.side(of: req.caller, for: agreement),
                                   ministry: req.accessActor.isMinistry, mayChange: req.accessActor.isMinistry
                                       && req.allows(.update, Resource(service: .grants)),
                                   indicators: agreement.program?.indicators ?? [], errors: errors, form: form,
                                   csrf: CSRF.sessionToken(req)).page(status: status)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try await showPage(req, try await Self.loaded(req), errors: [], status: .ok)
    }

    /// Runs a change of the agreement; a refusal shows the page again with its reason on the field.
    func change(_ req: Request, _ agreement: AgreementModel, field: String, form: [String: String] = [:], anchor: String = "",
                _ work: @escaping @Sendable (any Database) async throws -> Void) async throws -> Response {
        do {
            try await req.write(work)
        } catch let refusal as Agreements.Refusal {
            let fresh = try await AgreementModel.query(on: req.db).filter(\.$id == agreement.requireID())
                .with(\.$organisation).with(\.$program).with(\.$application).first() ?? agreement
            return try await showPage(req, fresh, errors: [(field, Self.message(req.localizer, refusal))], form: form,
                                      status: Self.status(refusal))
        }
        return req.redirect(to: "/conventions/\(agreement.number)\(anchor)", redirectType: .normal)
    }

    static func version(_ req: Request) -> Int { (try? req.content.get(Int.self, at: "version")) ?? -1 }

    @Sendable func sign(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let agreement = try await Self.loaded(req)
        let version = Self.version(req)
        return try await change(req, agreement, field: "signature", anchor: "#signatures") { db in
            try await Agreements.sign(agreement, version: version, as: req.caller, on: db)
        }
    }

    @Sendable func amend(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let agreement = try await Self.loaded(req)
        let l = req.localizer
        let form = FormInput.fields(req, Self.termFields + ["raison"])
        let amount = Money(parsing: form["montant"] ?? "")?.cents
        let (terms, errors) = Self.terms(form, amount: amount, start: req.application.today, l)
        var all = errors
        if (form["raison"] ?? "").isEmpty { all.append(("raison", l("agreements.refusal.reason"))) }
        guard all.isEmpty, let terms else { return try await showPage(req, agreement, errors: all, form: form, status: .unprocessableEntity) }
        let version = Self.version(req)
        return try await change(req, agreement, field: "montant", form: form, anchor: "#versements") { db in
            try await Agreements.amend(agreement, amountCents: terms.totalCents, months: terms.months, instalments: terms.instalments,
                                       holdbackBasisPoints: terms.holdbackBasisPoints, conditions: form["conditions"] ?? agreement.conditions,
                                       reason: form["raison"] ?? "", version: version, as: req.caller, on: db)
        }
    }

    @Sendable func carryOver(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let agreement = try await Self.loaded(req)
        let l = req.localizer
        let form = FormInput.fields(req, ["versement", "date", "motif"])
        guard let day = CalendarDate(iso: form["date"] ?? "") else {
            return try await showPage(req, agreement, errors: [("date", l("agreements.error.date"))], form: form, status: .unprocessableEntity)
        }
        guard let sequence = Int(form["versement"] ?? ""),
              try await Agreements.schedule(of: agreement, on: req.db).payments.contains(where: { $0.sequence == sequence }) else {
            return try await showPage(req, agreement, errors: [("versement", l("agreements.error.payment"))], form: form,
                                      status: .unprocessableEntity)
        }
        return try await change(req, agreement, field: "date", form: form, anchor: "#versements") { db in
            try await Agreements.carryOver(sequence: sequence, to: day, reason: form["motif"] ?? "", agreement: agreement, as: req.caller, on: db)
        }
    }

    @Sendable func revision(_ req: Request) async throws -> Response {
        let agreement = try await Self.loaded(req)
        guard let number = req.parameters.get("revision", as: Int.self),
              let revision = try await AgreementRevisionModel.query(on: req.db).filter(\.$agreement.$id == agreement.requireID())
                .filter(\.$revision == number).first() else { throw Problem.notFound() }
        return AgreementViews.revision(Layout(req), agreement: agreement, revision: revision).page(status: .ok)
    }

    func report(_ req: Request, _ agreement: AgreementModel) async throws -> AgreementReportModel {
        guard let sequence = req.parameters.get("sequence", as: Int.self),
              let report = try await AgreementReportModel.query(on: req.db).filter(\.$agreement.$id == agreement.requireID())
                .filter(\.$sequence == sequence).first() else { throw Problem.notFound() }
        return report
    }

    @Sendable func submitReport(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let agreement = try await Self.loaded(req)
        let report = try await report(req, agreement)
        let l = req.localizer
        let indicators = agreement.program?.indicators ?? []
        let (typed, _) = FormInput.answers(req, fields: indicators)
        let checked = RequestFieldCheck.check(indicators, answers: typed)
        var errors: FormInput.Errors = checked.failures.map { failure in ("champ_" + failure.field, l(failure.key)) }
        let form = FormInput.fields(req, ["couts", "note"])
        let costs = Money(parsing: form["couts"] ?? "")
        if costs.map({ $0.cents >= 0 }) != true { errors.append(("couts", l("agreements.error.costs"))) }
        var kept = form
        for (code, values) in typed { kept["champ_\(code)"] = values.first ?? "" }
        guard errors.isEmpty, let costs else { return try await showPage(req, agreement, errors: errors, form: kept, status: .unprocessableEntity) }
        let version = Self.version(req)
        return try await change(req, agreement, field: "rapport-\(report.sequence)", form: kept, anchor: "#rapports") { db in
            try await Agreements.submit(report, answers: checked.answers, costsCents: costs.cents, note: form["note"] ?? "", version: version,
                                        agreement: agreement, as: req.caller, on: db)
        }
    }

    @Sendable func reviewReport(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let agreement = try await Self.loaded(req)
        let report = try await report(req, agreement)
        let form = FormInput.fields(req, ["decision", "note"])
        let version = Self.version(req)
        return try await change(req, agreement, field: "rapport-\(report.sequence)", form: form, anchor: "#rapports") { db in
            try await Agreements.review(report, accept: form["decision"] == "accept", note: form["note"] ?? "", version: version,
                                        agreement: agreement, as: req.caller, on: db)
        }
    }
}
