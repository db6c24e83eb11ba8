import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

extension Request {
    private struct GrantApplicationKey: StorageKey { typealias Value = GrantApplicationModel }

    /// The application of a `/aide/:numero` route, loaded by its policy.
    var grantApplication: GrantApplicationModel? {
        get { storage[GrantApplicationKey.self] }
        set { storage[GrantApplicationKey.self] = newValue }
    }
}

/// The SGAF's pages: public program and call pages; the applicant's form, check-your-answers,
/// submission and file; the ministry's evaluation, ranking, decisions, envelopes and dashboards.
struct GrantPages: Sendable {
    let maxUploadMB: Int

    /// The organisation whose record the application is for this person: the applicant, or the
    /// co-applicant they belong to.
    static let owner: @Sendable (Request) async throws -> RecordOwner? = { req in
        guard let number = req.parameters.get("numero"),
              let model = try await GrantApplicationModel.query(on: req.db).filter(\.$number == number)
                .with(\.$program).with(\.$organisation).first() else { return nil }
        req.grantApplication = model
        if req.accessActor.isMinistry {
            // Its evaluators, and whoever declared a conflict with the applicant.
            let evaluators = try await GrantEvaluatorModel.query(on: req.db).filter(\.$application.$id == model.requireID()).all()
                .map(\.$person.id)
            let conflicted = try await GrantConflictModel.query(on: req.db).filter(\.$organisation.$id == model.$organisation.id).all()
                .map(\.$person.id)
            return RecordOwner(ownerID: model.$organisation.id, assignees: Set(evaluators), excluded: Set(conflicted))
        }
        let parties = try await GrantPartyModel.query(on: req.db).filter(\.$application.$id == model.requireID()).all()
            .map(\.$organisation.id)
        for id in [model.$organisation.id] + parties where req.allows(.read, Resource(service: .grants, ownerID: id)) {
            return RecordOwner(ownerID: id)
        }
        return RecordOwner(ownerID: model.$organisation.id)
    }

    static func loaded(_ req: Request) throws -> GrantApplicationModel {
        guard let model = req.grantApplication else { throw Problem.notFound() }
        return model
    }

    /// An application for a ministry route (no owner policy): found by its number.
    static func find(_ req: Request) async throws -> GrantApplicationModel {
        guard let model = try await GrantQueries.application(number: req.parameters.get("numero") ?? "", on: req.db) else {
            throw Problem.notFound()
        }
        req.grantApplication = model
        return model
    }

    static func program(_ req: Request) async throws -> GrantProgramModel {
        guard let code = req.parameters.get("programme"),
              let program = try await GrantProgramModel.query(on: req.db).filter(\.$code == code).first() else { throw Problem.notFound() }
        return program
    }

    static func call(_ req: Request, code: String? = nil) async throws -> GrantCallModel {
        guard let code = code ?? req.parameters.get("appel"),
              let call = try await GrantCallModel.query(on: req.db).filter(\.$code == code).with(\.$program).with(\.$envelope).first()
        else { throw Problem.notFound() }
        return call
    }

    // MARK: public pages

    @Sendable func programs(_ req: Request) async throws -> Response {
        let programs = try await GrantProgramModel.query(on: req.db).filter(\.$active == true).sort(\.$nameFr).all()
        let calls = try await GrantCallModel.query(on: req.db).sort(\.$closesAt, .descending).all()
        return GrantViews.programs(Layout(req), programs: programs, calls: calls, now: req.application.now).page(status: .ok)
    }

    @Sendable func program(_ req: Request) async throws -> Response {
        try await programPage(req, program: try await Self.program(req), errors: [], form: [:], status: .ok)
    }

    func programPage(_ req: Request, program: GrantProgramModel, errors: FormInput.Errors, form: [String: String],
                     status: HTTPResponseStatus) async throws -> Response {
        let calls = try await GrantCallModel.query(on: req.db).filter(\.$program.$id == program.requireID()).sort(\.$opensAt, .descending).all()
        let ministry = req.accessActor.isMinistry
        let envelopes = ministry ? try await GrantEnvelopeModel.query(on: req.db).filter(\.$program.$id == program.requireID())
            .sort(\.$fiscalYear, .descending).sort(\.$region).all() : []
        return GrantViews.program(Layout(req), program: program, calls: calls, envelopes: envelopes, now: req.application.now,
                                  mayManage: req.allows(.create, Resource(service: .grants)) && ministry,
                                  mayAdminister: ministry && req.allows(.administer, Resource(service: nil)),
                                  territory: req.application.territory.current, errors: errors, form: form,
                                  csrf: CSRF.sessionToken(req)).page(status: status)
    }

    @Sendable func call(_ req: Request) async throws -> Response {
        let call = try await Self.call(req)
        let user = req.currentUser
        return GrantViews.call(Layout(req), call: call, now: req.application.now, signedIn: user != nil,
                               ministry: req.accessActor.isMinistry).page(status: .ok)
    }

    // MARK: envelopes and calls

    @Sendable func createEnvelope(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let program = try await Self.program(req)
        let l = req.localizer
        let form = FormInput.fields(req, ["exercice", "region", "montant"])
        var errors: FormInput.Errors = []
        let year = GovernmentFiscalYear(form["exercice"] ?? "")
        if year == nil { errors.append(("exercice", l("grants.error.fiscal_year"))) }
        let region = form["region"] ?? ""
        if !region.isEmpty && req.application.territory.current.region(region) == nil { errors.append(("region", l("grants.error.region"))) }
        let amount = Money(parsing: form["montant"] ?? "")
        if amount.map({ $0.cents > 0 }) != true { errors.append(("montant", l("grants.error.amount"))) }
        if let year, try await GrantEnvelopeModel.query(on: req.db).filter(\.$program.$id == program.requireID())
            .filter(\.$fiscalYear == year.description).filter(\.$region == region).first() != nil {
            errors.append(("exercice", l("grants.error.envelope_exists")))
        }
        guard errors.isEmpty, let year, let amount else {
            return try await programPage(req, program: program, errors: errors, form: form, status: .unprocessableEntity)
        }
        _ = try await req.write { db in
            try await Grants.createEnvelope(program: program, year: year, region: region, totalCents: amount.cents, as: req.caller, on: db)
        }
        return req.redirect(to: "/programmes/\(program.code)#enveloppes", redirectType: .normal)
    }

    /// A date and a time typed in Québec time: the instant.
    static func instant(date: String, time: String) -> Date? {
        guard let day = CalendarDate(iso: date.trimmingCharacters(in: .whitespaces)) else { return nil }
        let clock = time.trimmingCharacters(in: .whitespaces).split(separator: ":").compactMap { Int($0) }
        guard clock.count == 2, (0...23).contains(clock[0]), (0...59).contains(clock[1]) else { return nil }
        return day.instant(hour: clock[0], minute: clock[1])
    }

    @Sendable func createCall(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let program = try await Self.program(req)
        let l = req.localizer
        let form = FormInput.fields(req, ["code", "titre_fr", "titre_en", "ouverture_date", "ouverture_heure", "fermeture_date",
                                     "fermeture_heure", "enveloppe"])
        var errors: FormInput.Errors = []
        let code = (form["code"] ?? "").lowercased()
        if !RequestField.validCode(code.replacingOccurrences(of: "-", with: "_")) {
            errors.append(("code", l("grants.error.call_code")))
        } else if try await GrantCallModel.query(on: req.db).filter(\.$code == code).first() != nil {
            errors.append(("code", l("grants.error.call_code_taken")))
        }
        let titleFr = form["titre_fr"] ?? "", titleEn = form["titre_en"] ?? ""
        if titleFr.isEmpty || titleFr.count > 200 { errors.append(("titre_fr", l("grants.error.call_title"))) }
        let opens = Self.instant(date: form["ouverture_date"] ?? "", time: form["ouverture_heure"] ?? "")
        if opens == nil { errors.append(("ouverture_date", l("grants.error.instant"))) }
        let closes = Self.instant(date: form["fermeture_date"] ?? "", time: form["fermeture_heure"] ?? "")
        if closes == nil { errors.append(("fermeture_date", l("grants.error.instant"))) }
        if let opens, let closes, closes <= opens { errors.append(("fermeture_date", l("grants.error.closes_before"))) }
        let envelope = try await UUID(uuidString: form["enveloppe"] ?? "").asyncFlatMap { id in
            try await GrantEnvelopeModel.query(on: req.db).filter(\.$id == id).filter(\.$program.$id == program.requireID()).first()
        }
        if envelope == nil { errors.append(("enveloppe", l("grants.error.envelope"))) }
        guard errors.isEmpty, let opens, let closes, let envelope else {
            return try await programPage(req, program: program, errors: errors, form: form, status: .unprocessableEntity)
        }
        _ = try await req.write { db in
            try await Grants.createCall(program: program, envelope: envelope, code: code, titleFr: titleFr,
                                        titleEn: titleEn.isEmpty ? titleFr : titleEn, opensAt: opens, closesAt: closes, as: req.caller, on: db)
        }
        return req.redirect(to: "/appels/\(code)", redirectType: .normal)
    }

    // MARK: applying

    /// `/aide/nouvelle?appel=…`: to the form of the person's organisation (or the choice of one).
    @Sendable func start(_ req: Request) async throws -> Response {
        let actor = req.accessActor
        var owners: [UUID] = []
        for m in actor.memberships where req.allows(.create, Resource(service: .grants, ownerID: m.organisationID)) { owners.append(m.organisationID) }
        for m in actor.mandates where req.allows(.create, Resource(service: .grants, ownerID: m.municipalityID)) { owners.append(m.municipalityID) }
        let organisations = owners.isEmpty ? [] : try await OrganisationModel.query(on: req.db).filter(\.$id ~~ owners).sort(\.$name).all()
        let query = req.url.query.map { "?" + $0 } ?? ""
        if organisations.count == 1 { return req.redirect(to: "/organisations/\(organisations[0].code)/aide/nouvelle\(query)", redirectType: .normal) }
        return GrantViews.chooseOrganisation(Layout(req), organisations: organisations, query: query).page(status: .ok)
    }

    /// What the form holds: every text input by name (kept when the form comes back).
    struct Form: Sendable {
        var values: [String: String] = [:]
        var multiple: [String: [String]] = [:]

        static let costRows = 6
        static let fundingRows = 3
    }

    static func readForm(_ req: Request, program: GrantProgramModel) -> Form {
        var form = Form()
        var names = ["appel", "programme", "title", "summary", "co_applicants", "requested", "version"]
        for i in 0..<Form.costRows { names += ["cout_libelle_\(i)", "cout_montant_\(i)"] }
        for i in 0..<Form.fundingRows { names += ["fin_libelle_\(i)", "fin_montant_\(i)", "fin_public_\(i)"] }
        form.values = FormInput.fields(req, names)
        let (answers, _) = FormInput.answers(req, fields: program.fields)
        for (code, values) in answers {
            if program.fields.first(where: { $0.code == code })?.kind == .multiple { form.multiple[code] = values }
            else { form.values["champ_\(code)"] = values.first ?? "" }
        }
        return form
    }

    static func answers(_ form: Form, program: GrantProgramModel) -> [String: [String]] {
        var answers: [String: [String]] = [:]
        for field in program.fields {
            if field.kind == .multiple { answers[field.code] = form.multiple[field.code] ?? [] }
            else { answers[field.code] = [form.values["champ_\(field.code)"] ?? ""] }
        }
        return answers
    }

    static func form(of model: GrantApplicationModel, program: GrantProgramModel, parties: [OrganisationModel]) -> Form {
        var form = Form()
        form.values["title"] = model.title
        form.values["summary"] = model.summary
        form.values["co_applicants"] = parties.map(\.code).joined(separator: "\n")
        form.values["version"] = String(model.version)
        form.values["requested"] = MoneyInput.text(model.requestedCents)
        let budget = model.budget
        for (i, line) in budget.costs.prefix(Form.costRows).enumerated() {
            form.values["cout_libelle_\(i)"] = line.label
            form.values["cout_montant_\(i)"] = MoneyInput.text(line.cents)
        }
        for (i, line) in budget.funding.prefix(Form.fundingRows).enumerated() {
            form.values["fin_libelle_\(i)"] = line.label
            form.values["fin_montant_\(i)"] = MoneyInput.text(line.cents)
            form.values["fin_public_\(i)"] = line.isPublic ? "1" : ""
        }
        for (code, values) in model.answers {
            if program.fields.first(where: { $0.code == code })?.kind == .multiple { form.multiple[code] = values }
            else { form.values["champ_\(code)"] = values.first ?? "" }
        }
        return form
    }

    /// The program (and call) an application form is for: `appel` or `programme` in the query or the form.
    func target(_ req: Request, form: Form? = nil) async throws -> (GrantProgramModel, GrantCallModel?)? {
        let callCode = form?.values["appel"].flatMap { $0.isEmpty ? nil : $0 } ?? req.query[String.self, at: "appel"]
        if let callCode, !callCode.isEmpty {
            guard let call = try? await Self.call(req, code: callCode) else { return nil }
            return (call.program, call)
        }
        let programCode = form?.values["programme"].flatMap { $0.isEmpty ? nil : $0 } ?? req.query[String.self, at: "programme"]
        guard let programCode, let program = try await GrantProgramModel.query(on: req.db).filter(\.$code == programCode).first(),
              program.allocation == .continuous else { return nil }
        return (program, nil)
    }

    @Sendable func form(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        guard let (program, call) = try await target(req) else {
            let calls = try await GrantCallModel.query(on: req.db).with(\.$program).all().filter { $0.isOpen(at: req.application.now) }
            let continuous = try await GrantProgramModel.query(on: req.db).filter(\.$allocation == .continuous).filter(\.$active == true).all()
            return GrantViews.chooseCall(Layout(req), organisation: organisation, calls: calls, programs: continuous).page(status: .ok)
        }
        var form = Form()
        form.values["appel"] = call?.code ?? ""
        form.values["programme"] = program.code
        return GrantViews.form(Layout(req), organisation: organisation, program: program, call: call, model: nil, form: form,
                               errors: [], documents: [], now: req.application.now, maxUploadMB: maxUploadMB,
                               csrf: CSRF.sessionToken(req)).page(status: .ok)
    }

    /// The co-applicants typed one per line (code, geographic code or name).
    static func coApplicants(_ text: String, excluding organisation: OrganisationModel, on db: any Database)
        async throws -> ([OrganisationModel], [String]) {
        var found: [OrganisationModel] = [], unknown: [String] = []
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if let organisation = try await OrganisationQueries.municipalityOrMRC(line, on: db) { found.append(organisation) } else { unknown.append(line) }
        }
        found = found.filter { $0.id != organisation.id }
        var seen = Set<UUID>()
        return (found.filter { seen.insert($0.id!).inserted }, unknown)
    }

    /// The files of the form, one input per required document (`doc_<code>`), checked.
    struct DocumentProblem: Error {
        let field: String
        let problem: FileStore.Problem
    }

    func documents(_ req: Request, program: GrantProgramModel) -> Result<[(String, File, FileKind)], DocumentProblem> {
        var result: [(String, File, FileKind)] = []
        for document in program.eligibility.documents {
            let name = "doc_\(document.code)"
            let files = (try? req.content.get([File].self, at: name)) ?? ((try? req.content.get(File.self, at: name)).map { [$0] } ?? [])
            switch FileStore.check(files, maxBytes: maxUploadMB * 1_048_576) {
            case .success(let checked): result += checked.map { (document.code, $0.0, $0.1) }
            case .failure(let problem): return .failure(DocumentProblem(field: name, problem: problem))
            }
        }
        return .success(result)
    }

    /// Checks the whole form; returns the draft or the errors, localized, field by field.
    func validate(_ req: Request, form: Form, program: GrantProgramModel, organisation: OrganisationModel)
        async throws -> (Grants.Draft?, FormInput.Errors) {
        let l = req.localizer
        let (parties, unknown) = try await Self.coApplicants(form.values["co_applicants"] ?? "", excluding: organisation, on: req.db)
        var costs: [(String, String)] = [], funding: [(String, String, Bool)] = []
        for i in 0..<Form.costRows { costs.append((form.values["cout_libelle_\(i)"] ?? "", form.values["cout_montant_\(i)"] ?? "")) }
        for i in 0..<Form.fundingRows {
            funding.append((form.values["fin_libelle_\(i)"] ?? "", form.values["fin_montant_\(i)"] ?? "", !(form.values["fin_public_\(i)"] ?? "").isEmpty))
        }
        let (draft, problems) = Grants.check(title: form.values["title"] ?? "", summary: form.values["summary"] ?? "",
                                             answers: Self.answers(form, program: program), costs: costs, funding: funding,
                                             requested: form.values["requested"] ?? "", program: program, coApplicants: parties)
        var errors: FormInput.Errors = problems.map { p in
            (p.field.hasPrefix("cout_") ? "cout_libelle_" + p.field.dropFirst(5) : p.field.hasPrefix("financement_")
                ? "fin_libelle_" + p.field.dropFirst(12) : p.field, l(p.key, GrantViews.localized(l, p.arguments)))
        }
        for line in unknown { errors.append(("co_applicants", l("grants.error.co_applicant", ["name": line]))) }
        return (errors.isEmpty ? draft : nil, errors)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let organisation = try req.requireOrganisation()
        let l = req.localizer
        let raw = FormInput.fields(req, ["appel", "programme"])
        var probe = Form()
        probe.values = raw
        guard let (program, call) = try await target(req, form: probe) else { throw Problem.notFound() }
        let form = Self.readForm(req, program: program)
        var (draft, errors) = try await validate(req, form: form, program: program, organisation: organisation)
        let files = documents(req, program: program)
        if case .failure(let found) = files { errors.append((found.field, FileStore.message(l, found.problem, maxBytes: maxUploadMB * 1_048_576))) }
        if let call, req.application.now >= call.closesAt { errors.insert(("title", l("grants.error.call_closed_draft")), at: 0) }
        guard errors.isEmpty, let built = draft, case .success(let checked) = files else {
            return GrantViews.form(Layout(req), organisation: organisation, program: program, call: call, model: nil, form: form,
                                   errors: errors, documents: [], now: req.application.now, maxUploadMB: maxUploadMB,
                                   csrf: CSRF.sessionToken(req)).page(status: .unprocessableEntity)
        }
        draft = built
        var blobs: [(requirement: String, blob: FileStore.Blob)] = []
        for (code, file, kind) in checked { blobs.append((code, try await FileStore.save(file, kind: kind, app: req.application))) }
        let stored = blobs
        let model = try await req.write { db in
            let model = try await Grants.createDraft(built, program: program, call: call, for: organisation, as: req.caller, on: db)
            try await Grants.attach(stored, to: model, as: req.caller, on: db)
            return model
        }
        return req.redirect(to: "/aide/\(model.number)", redirectType: .normal)
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        let model = try Self.loaded(req)
        let program = model.program
        guard program.workflow.phase(model.phase)?.applicantEdits == true else { return req.redirect(to: "/aide/\(model.number)", redirectType: .normal) }
        let parties = try await GrantPartyModel.query(on: req.db).filter(\.$application.$id == model.requireID()).with(\.$organisation).all()
            .map(\.organisation)
        let call = try await model.$call.get(on: req.db)
        var form = Self.form(of: model, program: program, parties: parties)
        form.values["appel"] = call?.code ?? ""
        form.values["programme"] = program.code
        let documents = try await GrantDocumentModel.query(on: req.db).filter(\.$application.$id == model.requireID()).all()
        return GrantViews.form(Layout(req), organisation: model.organisation, program: program, call: call, model: model, form: form,
                               errors: [], documents: documents, now: req.application.now, maxUploadMB: maxUploadMB,
                               csrf: CSRF.sessionToken(req)).page(status: .ok)
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try Self.loaded(req)
        let program = model.program
        let l = req.localizer
        guard program.workflow.phase(model.phase)?.applicantEdits == true, Grants.actors(req.caller, for: model).contains(.applicant) else {
            throw Problem(.conflict, code: "not_editable", key: "grants.error.not_editable")
        }
        let form = Self.readForm(req, program: program)
        var (draft, errors) = try await validate(req, form: form, program: program, organisation: model.organisation)
        let files = documents(req, program: program)
        if case .failure(let found) = files { errors.append((found.field, FileStore.message(l, found.problem, maxBytes: maxUploadMB * 1_048_576))) }
        let version = Int(form.values["version"] ?? "") ?? -1
        if version != model.version { errors.insert(("title", l("grants.error.stale")), at: 0) }
        let call = try await model.$call.get(on: req.db)
        guard errors.isEmpty, let built = draft, case .success(let checked) = files else {
            let documents = try await GrantDocumentModel.query(on: req.db).filter(\.$application.$id == model.requireID()).all()
            return GrantViews.form(Layout(req), organisation: model.organisation, program: program, call: call, model: model, form: form,
                                   errors: errors, documents: documents, now: req.application.now, maxUploadMB: maxUploadMB,
                                   csrf: CSRF.sessionToken(req)).page(status: version != model.version ? .conflict : .unprocessableEntity)
        }
        draft = built
        var blobs: [(requirement: String, blob: FileStore.Blob)] = []
        for (code, file, kind) in checked { blobs.append((code, try await FileStore.save(file, kind: kind, app: req.application))) }
        let stored = blobs
        try await req.write { db in
            try await Grants.update(model, with: built, version: version, as: req.caller, on: db)
            try await Grants.attach(stored, to: model, as: req.caller, on: db)
        }
        return req.redirect(to: "/aide/\(model.number)", redirectType: .normal)
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try Self.loaded(req)
        let version = (try? req.content.get(Int.self, at: "version")) ?? -1
        do {
            try await req.write { db in try await Grants.submit(model, version: version, as: req.caller, on: db) }
        } catch let missing as Grants.MissingDocuments {
            let l = req.localizer
            return try await showPage(req, model: model, errors: missing.failures.map {
                ("depot", l($0.key, GrantViews.localized(l, $0.arguments)))
            }, status: .unprocessableEntity)
        } catch let refusal as Grants.Refusal {
            return try await showPage(req, model: model, errors: [("depot", GrantViews.refusal(req.localizer, refusal))],
                                      status: Self.status(refusal))
        }
        return req.redirect(to: "/aide/\(model.number)?depose=1", redirectType: .normal)
    }

    /// Runs a change of the file; a refusal shows the file again with its reason on the field.
    func change(_ req: Request, _ model: GrantApplicationModel, field: String, then anchor: String,
                _ work: @escaping @Sendable (any Database) async throws -> Void) async throws -> Response {
        do {
            try await req.write(work)
        } catch let refusal as Grants.Refusal {
            return try await showPage(req, model: model, errors: [(field, GrantViews.refusal(req.localizer, refusal))],
                                      status: Self.status(refusal))
        }
        return req.redirect(to: "/aide/\(model.number)\(anchor)", redirectType: .normal)
    }

    static func status(_ refusal: Grants.Refusal) -> HTTPResponseStatus {
        switch refusal {
        case .stale, .overdraw: .conflict
        case .notAParty, .notAnEvaluator: .conflict
        default: .unprocessableEntity
        }
    }

    // MARK: the file

    @Sendable func show(_ req: Request) async throws -> Response {
        try await showPage(req, model: try Self.loaded(req), errors: [], status: .ok)
    }

    struct FileData: Sendable {
        var parties: [OrganisationModel]
        var documents: [GrantDocumentModel]
        var evaluators: [GrantEvaluatorModel]
        var scores: [GrantScoreModel]
        var decisions: [GrantDecisionModel]
        var call: GrantCallModel?
        var envelope: GrantEnvelopeModel?
        var screening: [Eligibility.Failure]
        var journal: [AuditEventModel]
    }

    func fileData(_ req: Request, model: GrantApplicationModel) async throws -> FileData {
        let id = try model.requireID()
        let parties = try await GrantPartyModel.query(on: req.db).filter(\.$application.$id == id).with(\.$organisation).all().map(\.organisation)
        let documents = try await GrantDocumentModel.query(on: req.db).filter(\.$application.$id == id).sort(\.$createdAt).all()
        let ministry = req.accessActor.isMinistry
        let evaluators = ministry ? try await GrantEvaluatorModel.query(on: req.db).filter(\.$application.$id == id).with(\.$person).all() : []
        let scores = ministry ? try await GrantScoreModel.query(on: req.db).filter(\.$application.$id == id).all() : []
        let decisions = try await GrantDecisionModel.query(on: req.db).filter(\.$application.$id == id).sort(\.$createdAt).all()
        let call = try await model.$call.get(on: req.db)
        let envelope = try await call.asyncFlatMap { try await GrantEnvelopeModel.find($0.$envelope.id, on: req.db) }
        let screening = model.phase == "draft" || model.phase == "changes_requested"
            ? Grants.screen(model, program: model.program, organisation: model.organisation, parties: parties,
                            documents: Set(documents.map(\.requirement)), territory: req.application.territory.current)
            : model.screening.map { Eligibility.Failure(rule: $0.rule, key: $0.key, arguments: $0.arguments) }
        let journal = try await AuditEventModel.query(on: req.db).filter(\.$recordType == "grant_application")
            .filter(\.$recordID == model.number).sort(\.$sequence).all()
        return FileData(parties: parties, documents: documents, evaluators: evaluators, scores: scores, decisions: decisions, call: call,
                        envelope: envelope, screening: screening, journal: journal)
    }

    func showPage(_ req: Request, model: GrantApplicationModel, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let data = try await fileData(req, model: model)
        let evaluatorsAvailable = req.accessActor.isMinistry ? try await Self.evaluators(on: req.db) : []
        return GrantViews.file(Layout(req), model: model, data: data, actors: Grants.actors(req.caller, for: model, parties: data.parties.compactMap(\.id)),
                               me: req.currentUser?.personID, evaluatorsAvailable: evaluatorsAvailable, errors: errors,
                               submitted: req.query[String.self, at: "depose"] == "1", now: req.application.now,
                               csrf: CSRF.sessionToken(req)).page(status: status)
    }

    /// People who may evaluate: the ministry's evaluators and program managers.
    static func evaluators(on db: any Database) async throws -> [PersonModel] {
        // The roles' names as stored (`MembershipModel.columns`), chosen in the query, not after loading every membership.
        let names = [Role.evaluator, .programManager].map { MembershipModel.columns(of: $0).0 }
        let ids = Array(Set(try await MembershipModel.query(on: db).filter(\.$role ~~ names).all().map(\.$person.id)))
        return ids.isEmpty ? [] : try await PersonModel.query(on: db).filter(\.$id ~~ ids).sort(\.$displayName).all()
    }

    @Sendable func move(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try Self.loaded(req)
        let l = req.localizer
        let event = (try? req.content.get(String.self, at: "event")) ?? ""
        let version = (try? req.content.get(Int.self, at: "version")) ?? -1
        let note = ((try? req.content.get(String.self, at: "note")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reopened = (try? req.content.get([String].self, at: "champs")) ?? []
        if event == "request_changes" && (reopened.isEmpty || note.isEmpty) {
            return try await showPage(req, model: model, errors: [("champs", l("grants.error.changes"))], status: .unprocessableEntity)
        }
        return try await change(req, model, field: "event", then: "") { db in
            try await Grants.move(model, event, version: version, note: note.isEmpty ? nil : note, reopened: reopened, as: req.caller, on: db)
        }
    }

    @Sendable func download(_ req: Request) async throws -> Response {
        let model = try Self.loaded(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let document = try await GrantDocumentModel.query(on: req.db).filter(\.$id == id)
                .filter(\.$application.$id == model.requireID()).first() else { throw Problem.notFound() }
        guard let response = FileStore.download(sha256: document.sha256, filename: document.filename,
                                                   contentType: (FileKind(rawValue: document.kind) ?? .pdf).contentType,
                                                   app: req.application) else { throw Problem.notFound() }
        // A document of an application may hold personal information: who opened it is journaled (Loi 25).
        let number = model.number, filename = document.filename, actor = req.auditActor
        try await req.write { db in
            _ = try await Audit.record(on: db, actor: actor, action: "grants.document.read", recordType: "grant_application",
                                       recordID: number, changes: ["document": .init(before: nil, after: filename)])
        }
        return response
    }

    /// The decision letter, in the applicant's language, printable.
    @Sendable func letter(_ req: Request) async throws -> Response {
        let model = try Self.loaded(req)
        guard let decision = try await GrantDecisionModel.query(on: req.db).filter(\.$application.$id == model.requireID())
            .filter(\.$state == "final").sort(\.$createdAt, .descending).first() else { throw Problem.notFound() }
        let language = Language(rawValue: model.language) ?? .frCA
        return GrantViews.letter(Layout(req, language: language), model: model, decision: decision).page(status: .ok)
    }

    // MARK: evaluation and decisions

    @Sendable func assign(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try await Self.find(req)
        let l = req.localizer
        let id = (try? req.content.get(String.self, at: "evaluateur")).flatMap(UUID.init(uuidString:))
        guard let id, let person = try await PersonModel.find(id, on: req.db) else {
            return try await showPage(req, model: model, errors: [("evaluateur", l("grants.error.evaluator"))], status: .unprocessableEntity)
        }
        guard Grants.actors(req.caller, for: model).contains(.programManager) else { throw Problem(.conflict, code: "role_refused", key: "grants.error.role") }
        return try await change(req, model, field: "evaluateur", then: "#evaluation") { db in
            try await Grants.assign(model, evaluator: person, as: req.caller, on: db)
        }
    }

    @Sendable func score(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try await Self.find(req)
        let l = req.localizer
        let grid = model.program.grid
        var scores: [String: (score: Int, comment: String)] = [:]
        var errors: FormInput.Errors = []
        for (index, criterion) in grid.criteria.enumerated() {
            let text = ((try? req.content.get(String.self, at: "note_\(criterion.code)")) ?? "").trimmingCharacters(in: .whitespaces)
            let comment = ((try? req.content.get(String.self, at: "commentaire_\(criterion.code)")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = Int(text), grid.accepts(value, at: index) else {
                errors.append(("note_\(criterion.code)", l("grants.error.score", ["criterion": criterion.name(l.language),
                                                                                    "max": String(criterion.maxScore)])))
                continue
            }
            scores[criterion.code] = (value, String(comment.prefix(2_000)))
        }
        guard errors.isEmpty else { return try await showPage(req, model: model, errors: errors, status: .unprocessableEntity) }
        let given = scores
        return try await change(req, model, field: "note", then: "#evaluation") { db in
            try await Grants.score(model, scores: given, as: req.caller, on: db)
        }
    }

    @Sendable func decide(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try await Self.find(req)
        let l = req.localizer
        let form = FormInput.fields(req, ["kind", "montant", "motifs", "version"])
        let kind = form["kind"] ?? ""
        let amount = kind == "approve" ? Money(parsing: form["montant"] ?? "").map(\.cents) : nil
        if kind == "approve" && (amount ?? 0) <= 0 {
            return try await showPage(req, model: model, errors: [("montant", l("grants.error.amount"))], status: .unprocessableEntity)
        }
        let reasons = String((form["motifs"] ?? "").prefix(5_000))
        let version = Int(form["version"] ?? "") ?? -1
        do {
            try await req.write { db in
                try await Grants.decide(model, kind: kind, amount: amount, reasons: reasons, version: version, as: req.caller, on: db)
            }
        } catch let refusal as Grants.Refusal {
            let field = if case .reasonsRequired = refusal { "motifs" } else { "montant" }
            return try await showPage(req, model: model, errors: [(field, GrantViews.refusal(l, refusal))], status: Self.status(refusal))
        }
        return req.redirect(to: "/aide/\(model.number)#decision", redirectType: .normal)
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let model = try await Self.find(req)
        let version = (try? req.content.get(Int.self, at: "version")) ?? -1
        return try await change(req, model, field: "approbation", then: "#decision") { db in
            try await Grants.approveSecond(model, version: version, as: req.caller, on: db)
        }
    }

    @Sendable func declareConflict(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.currentUser else { throw SignInRequired() }
        let form = FormInput.fields(req, ["organisation", "motif", "retour"])
        guard let organisation = try await OrganisationQueries.municipalityOrMRC(form["organisation"] ?? "", on: req.db),
              !(form["motif"] ?? "").isEmpty else {
            throw Problem(.unprocessableEntity, code: "invalid_conflict", key: "grants.error.conflict_form")
        }
        try await req.write { db in
            try await Grants.declareConflict(person: user.personID, organisation: organisation, reason: form["motif"] ?? "", as: req.caller, on: db)
        }
        let back = form["retour"].flatMap { $0.hasPrefix("/aide/") ? $0 : nil } ?? "/aide"
        return req.redirect(to: back, redirectType: .normal)
    }

    // MARK: lists

    struct ListFilter: Sendable {
        var program = ""
        var call = ""
        var phase = ""
        var q = ""
        /// Only the files the person was given to evaluate and has not scored yet.
        var toEvaluate = false
        var page = 1
        var perPage = GrantPages.pageSize
    }

    static let pageSize = 50

    static func listFilter(_ req: Request) throws -> ListFilter {
        ListFilter(program: req.query[String.self, at: "programme"] ?? "", call: req.query[String.self, at: "appel"] ?? "",
                   phase: req.query[String.self, at: "phase"] ?? "", q: req.query[String.self, at: "q"] ?? "",
                   toEvaluate: req.query[String.self, at: "a_evaluer"] == "1",
                   page: try FormInput.page(req))
    }

    /// The applications the person may read, filtered, a page at a time (the scope in the SQL).
    static func query(_ req: Request, _ filter: ListFilter) async throws -> (rows: [GrantApplicationModel], total: Int)? {
        guard let scope = Policy.readableOwners(req.accessActor, service: .grants, on: req.application.today) else { return nil }
        let query = GrantApplicationModel.query(on: req.db)
        switch scope {
        case .all:
            break
        case .only(let owners), .territory(let owners, _):
            let parties = try await GrantPartyModel.query(on: req.db).filter(\.$organisation.$id ~~ owners).all().map(\.$application.id)
            query.group(.or) { $0.filter(\.$organisation.$id ~~ owners).filter(\.$id ~~ parties) }
        case .assigned(let person):
            // An evaluator's files, never one of an organisation they declared a conflict with.
            let assigned = try await GrantEvaluatorModel.query(on: req.db).filter(\.$person.$id == person).all().map(\.$application.id)
            let conflicted = try await GrantConflictModel.query(on: req.db).filter(\.$person.$id == person).all().map(\.$organisation.id)
            query.filter(\.$id ~~ assigned).filter(\.$organisation.$id !~ conflicted)
        }
        if !filter.program.isEmpty, let program = try await GrantProgramModel.query(on: req.db).filter(\.$code == filter.program).first() {
            query.filter(\.$program.$id == (try program.requireID()))
        }
        if !filter.call.isEmpty, let call = try await GrantCallModel.query(on: req.db).filter(\.$code == filter.call).first() {
            query.filter(\.$call.$id == (try call.requireID()))
        }
        if !filter.phase.isEmpty { query.filter(\.$phase == filter.phase) }
        if filter.toEvaluate {
            let mine = try await GrantEvaluatorModel.query(on: req.db).filter(\.$person.$id == (req.currentUser?.personID ?? UUID()))
                .filter(\.$completedAt == nil).all().map(\.$application.id)
            query.filter(\.$id ~~ mine).filter(\.$phase == "in_evaluation")
        }
        let words = Requests.searchable([filter.q]).split(separator: " ")
        for word in words.prefix(6) { query.filter(\.$searchText, .custom("LIKE"), "%\(word)%") }
        let total = try await query.count()
        let rows = try await query.with(\.$program).with(\.$organisation).sort(\.$createdAt, .descending)
            .range(((filter.page - 1) * filter.perPage)..<(filter.page * filter.perPage)).all()
        return (rows, total)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let filter = try Self.listFilter(req)
        let found = try await Self.query(req, filter)
        let programs = try await GrantProgramModel.query(on: req.db).sort(\.$nameFr).all()
        return GrantViews.list(Layout(req), filter: filter, rows: found?.rows ?? [], total: found?.total ?? 0, programs: programs,
                               mayApply: !req.accessActor.isMinistry, ministry: req.accessActor.isMinistry).page(status: .ok)
    }

    // MARK: ranking

    static let rankingPage = 100

    /// A page of the ranking (100 rows; `page`, by default the one with the cut line).
    @Sendable func ranking(_ req: Request) async throws -> Response {
        let call = try await Self.call(req)
        let ranking = try await Grants.ranking(call, on: req.db)
        let pages = max(1, (ranking.ranked.count + Self.rankingPage - 1) / Self.rankingPage)
        let cutPage = min(pages, ranking.lastFunded / Self.rankingPage + 1)
        let page = min(max(1, req.query[Int.self, at: "page"] ?? cutPage), pages)
        let rows = try await Grants.details(ranking, ((page - 1) * Self.rankingPage)..<(page * Self.rankingPage), call: call,
                                            territory: req.application.territory.current, on: req.db)
        return GrantViews.ranking(Layout(req), call: call, ranking: ranking, rows: rows, page: page, pages: pages, cutPage: cutPage)
            .page(status: .ok)
    }

    @Sendable func rankingCSV(_ req: Request) async throws -> Response {
        let call = try await Self.call(req)
        let ranking = try await Grants.ranking(call, on: req.db)
        let all = try await Grants.details(ranking, 0..<ranking.ranked.count, call: call, territory: req.application.territory.current,
                                           on: req.db)
        let l = req.localizer
        var rows: [[String]] = [[l("grants.ranking.rank"), l("grants.number"), l("grants.organisation"), l("grants.title"),
                                 l("grants.score"), l("grants.requested"), l("grants.ranking.cumulative"), l("grants.ranking.funded"),
                                 l("grants.phase")]]
        for r in all {
            rows.append([String(r.ranked.rank), r.ranked.entry.number, r.organisation, r.title, Grants.formatScore(r.ranked.entry.score),
                         MoneyInput.plain(r.ranked.entry.requestedCents), MoneyInput.plain(r.ranked.cumulativeCents),
                         r.ranked.funded ? l("grants.yes") : l("grants.no"), r.phase])
        }
        return CSV.response(rows, filename: "classement-\(call.code).csv")
    }

    // MARK: dashboard and formula

    struct Dashboard: Sendable {
        var byPhase: [(phase: String, count: Int, requested: Int64)] = []
        var byRegion: [(region: String, count: Int, requested: Int64)] = []
        var envelopes: [GrantEnvelopeModel] = []
        var requested: Int64 = 0
    }

    /// The instants a government fiscal year runs between, in Québec time.
    static func bounds(_ year: GovernmentFiscalYear) -> (from: Date, to: Date) {
        (year.start.instant(hour: 0, minute: 0), year.next.start.instant(hour: 0, minute: 0))
    }

    /// One program's figures (or every program's), for all time or the applications submitted in a fiscal year.
    static func dashboardData(_ program: GrantProgramModel?, year: GovernmentFiscalYear? = nil, territory: TerritoryDirectory,
                              on db: any Database) async throws -> Dashboard {
        let sql = db.sql
        var data = Dashboard()
        let programID = try program?.requireID()
        let window = year.map(bounds)
        let phases = sql.select().column("phase").column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .column(SQLAlias(SQLRaw("CAST(SUM(requested_cents) AS BIGINT)"), as: SQLIdentifier("cents")))
            .from(GrantApplicationModel.schema).groupBy("phase")
        if let programID { phases.where("program_id", .equal, SQLBind(programID)) }
        if let window { phases.where("submitted_at", .greaterThanOrEqual, SQLBind(window.from)).where("submitted_at", .lessThan, SQLBind(window.to)) }
        for row in try await phases.all() {
            let phase = try row.decode(column: "phase", as: String.self)
            let cents = try row.decode(column: "cents", as: Int64?.self) ?? 0
            data.byPhase.append((phase, try row.decode(column: "n", as: Int.self), cents))
            if phase != "draft" && phase != "withdrawn" { data.requested += cents }
        }
        let order = (program?.workflow ?? .standard).phases.map(\.id)
        data.byPhase.sort { (order.firstIndex(of: $0.phase) ?? 99) < (order.firstIndex(of: $1.phase) ?? 99) }
        var regions: [String: (Int, Int64)] = [:]
        let byTerritory = sql.select().column(SQLAlias(SQLColumn("territory_code", table: "o"), as: SQLIdentifier("territory")))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .column(SQLAlias(SQLRaw("CAST(SUM(a.requested_cents) AS BIGINT)"), as: SQLIdentifier("cents")))
            .from(SQLAlias(SQLIdentifier(GrantApplicationModel.schema), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("o")),
                  on: SQLColumn("organisation_id", table: "a"), .equal, SQLColumn("id", table: "o"))
            .where(SQLColumn("phase", table: "a"), .notIn, SQLBind.group(["draft", "withdrawn"]))
            .groupBy(SQLColumn("territory_code", table: "o"))
        if let programID { byTerritory.where(SQLColumn("program_id", table: "a"), .equal, SQLBind(programID)) }
        if let window {
            byTerritory.where(SQLColumn("submitted_at", table: "a"), .greaterThanOrEqual, SQLBind(window.from))
                .where(SQLColumn("submitted_at", table: "a"), .lessThan, SQLBind(window.to))
        }
        for row in try await byTerritory.all() {
            let code = try row.decode(column: "territory", as: String?.self)
            let region = code.flatMap { territory.municipality($0)?.record.regionCode ?? territory.unit($0)?.record.regionCode } ?? "—"
            let n = try row.decode(column: "n", as: Int.self), cents = try row.decode(column: "cents", as: Int64?.self) ?? 0
            regions[region, default: (0, 0)].0 += n
            regions[region, default: (0, 0)].1 += cents
        }
        data.byRegion = regions.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.region < $1.region }
        let envelopes = GrantEnvelopeModel.query(on: db).sort(\.$fiscalYear, .descending).sort(\.$region)
        if let programID { envelopes.filter(\.$program.$id == programID) }
        if let year { envelopes.filter(\.$fiscalYear == year.description) }
        data.envelopes = try await envelopes.all()
        return data
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        let program = try await Self.program(req)
        let data = try await Self.dashboardData(program, territory: req.application.territory.current, on: req.db)
        return GrantViews.dashboard(Layout(req), program: program, data: data, territory: req.application.territory.current).page(status: .ok)
    }

    @Sendable func dashboardCSV(_ req: Request) async throws -> Response {
        let program = try await Self.program(req)
        let l = req.localizer
        let data = try await Self.dashboardData(program, territory: req.application.territory.current, on: req.db)
        var rows: [[String]] = [[l("capacity.csv.figure"), l("capacity.csv.dimension"), l("grants.count"), l("grants.amount")]]
        for p in data.byPhase {
            rows.append([l("grants.dashboard.by_phase"), program.workflow.phase(p.phase)?.name(l.language) ?? p.phase, String(p.count),
                         MoneyInput.plain(p.requested)])
        }
        for r in data.byRegion { rows.append([l("grants.dashboard.by_region"), r.region, String(r.count), MoneyInput.plain(r.requested)]) }
        for e in data.envelopes {
            let name = e.fiscalYear + (e.region.isEmpty ? "" : " " + e.region)
            rows.append([l("grants.envelope.total"), name, "", MoneyInput.plain(e.totalCents)])
            rows.append([l("grants.envelope.committed"), name, "", MoneyInput.plain(e.committedCents)])
            rows.append([l("grants.envelope.approved"), name, "", MoneyInput.plain(e.approvedCents)])
            rows.append([l("grants.envelope.remaining"), name, "", MoneyInput.plain(e.remainingCents)])
        }
        return CSV.response(rows, filename: "tableau-\(program.code).csv")
    }

    func formulaData(_ req: Request) async throws -> (GrantProgramModel, GrantEnvelopeModel?, [Grants.Allocation]) {
        let program = try await Self.program(req)
        guard program.allocation == .formula else { throw Problem.notFound() }
        let year = req.query[String.self, at: "exercice"].flatMap(GovernmentFiscalYear.init)
            ?? GovernmentFiscalYear(containing: req.application.today)
        let envelope = try await GrantEnvelopeModel.query(on: req.db).filter(\.$program.$id == program.requireID())
            .filter(\.$fiscalYear == year.description).filter(\.$region == "").first()
        let active = Set(try await OrganisationModel.query(on: req.db).filter(\.$kind == .municipality).filter(\.$active == true).all()
            .compactMap(\.territoryCode))
        let allocations = envelope.map {
            Grants.allocations(program: program, totalCents: $0.totalCents, territory: req.application.territory.current, organisations: active)
        } ?? []
        return (program, envelope, allocations)
    }

    @Sendable func formula(_ req: Request) async throws -> Response {
        let (program, envelope, allocations) = try await formulaData(req)
        return GrantViews.formula(Layout(req), program: program, envelope: envelope, allocations: allocations).page(status: .ok)
    }

    @Sendable func formulaCSV(_ req: Request) async throws -> Response {
        let (program, envelope, allocations) = try await formulaData(req)
        let l = req.localizer
        var rows: [[String]] = [[l("grants.formula.code"), l("grants.organisation"), l("grants.formula.region"), l("grants.formula.indicator"),
                                 l("grants.amount")]]
        for a in allocations { rows.append([a.code, a.name, a.region, String(a.indicator), MoneyInput.plain(a.cents)]) }
        return CSV.response(rows, filename: "repartition-\(program.code)-\(envelope?.fiscalYear ?? "").csv")
    }
}

/// Amounts as a form shows them back (`1234.56`, no grouping, so they parse again) and as CSV has them.
enum MoneyInput {
    static func text(_ cents: Int64) -> String { plain(cents) }
    static func plain(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let value = abs(cents)
        return "\(sign)\(value / 100)." + String(format: "%02d", value % 100)
    }
}
