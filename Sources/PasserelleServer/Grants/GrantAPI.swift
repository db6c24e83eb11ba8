import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The SGAF's JSON API under `/api/v1`: what the pages do, a system can do. Amounts are integer
/// cents; keys are French like the rest of the API.
struct GrantAPI: Sendable {

    struct LineInput: Content {
        let libelle: String
        let montant_cents: Int64
        let `public`: Bool?
    }

    struct DocumentInput: Content {
        let exigence: String
        let nom: String
        let contenu_base64: String
    }

    struct ApplicationInput: Content {
        var appel: String?
        var programme: String?
        var titre: String?
        var resume: String?
        var reponses: [String: FormInput.AnswerValue]?
        var couts: [LineInput]?
        var financements: [LineInput]?
        var montant_demande_cents: Int64?
        var co_demandeurs: [String]?
        var documents: [DocumentInput]?
        /// Submit at once (a draft otherwise).
        var deposer: Bool?
    }

    static func problem(_ refusal: Grants.Refusal) -> Problem {
        switch refusal {
        case .stale(let current): Problem(.conflict, code: "stale", key: "grants.error.stale", arguments: ["version": String(current)])
        case .transition: Problem(.conflict, code: "transition_refused", key: "grants.error.transition")
        // The route's policy lets the person act in the SGAF; the file's workflow gives this step to another role.
        case .notAParty: Problem(.conflict, code: "role_refused", key: "grants.error.role")
        case .notAnEvaluator: Problem(.conflict, code: "role_refused", key: "grants.error.not_evaluator")
        case .callClosed: Problem(.unprocessableEntity, code: "call_closed", key: "grants.error.call_closed")
        case .overdraw(let remaining, let asked):
            Problem(.conflict, code: "envelope_overdrawn", key: "grants.error.overdraw.api",
                    arguments: ["remaining": String(remaining), "asked": String(asked)])
        case .amountAboveRequested(let requested):
            Problem(.unprocessableEntity, code: "invalid_amount", key: "grants.error.above_requested.api", arguments: ["requested": String(requested)])
        case .amountAboveCeiling(let ceiling):
            Problem(.unprocessableEntity, code: "invalid_amount", key: "grants.error.above_ceiling.api", arguments: ["ceiling": String(ceiling)])
        case .amountNotPositive: Problem(.unprocessableEntity, code: "invalid_amount", key: "grants.error.amount")
        case .reasonsRequired: Problem(.unprocessableEntity, code: "reasons_required", key: "grants.error.reasons")
        case .sameApprover: Problem(.unprocessableEntity, code: "same_approver", key: "grants.error.same_approver")
        case .limitTooLow(let limit): Problem(.forbidden, code: "spending_limit", key: "grants.error.limit.api", arguments: ["limit": String(limit)])
        case .conflict: Problem(.unprocessableEntity, code: "conflict_of_interest", key: "grants.error.conflict")
        case .noEnvelope: Problem(.unprocessableEntity, code: "no_envelope", key: "grants.error.no_envelope")
        }
    }

    func dto(_ req: Request, _ model: GrantApplicationModel) async throws -> ApplicationDTO {
        let call = try await model.$call.get(on: req.db)
        return ApplicationDTO(model, callCode: call?.code, l: req.localizer)
    }

    @Sendable func programs(_ req: Request) async throws -> Response {
        let programs = try await GrantProgramModel.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
        return try JSONResponse.json(programs.map { ProgramDTO($0, req.localizer.language) })
    }

    @Sendable func program(_ req: Request) async throws -> Response {
        try JSONResponse.json(ProgramDTO(try await GrantPages.program(req), req.localizer.language))
    }

    @Sendable func call(_ req: Request) async throws -> Response {
        let call = try await GrantPages.call(req)
        return try JSONResponse.json(CallDTO(code: call.code, programme: call.program.code, titre: call.title(req.localizer.language),
                                            ouverture: call.opensAt, fermeture: call.closesAt, ouvert: call.isOpen(at: req.application.now),
                                            exercice: call.envelope.fiscalYear))
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let input: ApplicationInput
        do { input = try req.content.decode(ApplicationInput.self) } catch {
            throw Problem(.badRequest, code: "bad_request", key: "problem.bad_request")
        }
        let program: GrantProgramModel
        var call: GrantCallModel?
        if let code = input.appel {
            call = try await GrantPages.call(req, code: code)
            program = call!.program
        } else if let code = input.programme, let found = try await GrantProgramModel.query(on: req.db).filter(\.$code == code).first(),
                  found.allocation == .continuous {
            program = found
        } else {
            throw Problem.invalidParameter("appel", key: "grants.error.call")
        }
        var fields: [Problem.Field] = []
        var parties: [OrganisationModel] = []
        for code in input.co_demandeurs ?? [] {
            if let found = try await OrganisationQueries.municipalityOrMRC(code, on: req.db), found.id != organisation.id { parties.append(found) }
            else { fields.append(Problem.Field(name: "co_demandeurs", key: "grants.error.co_applicant", arguments: ["name": code])) }
        }
        let answers = (input.reponses ?? [:]).mapValues(\.values)
        let costs = (input.couts ?? []).map { ($0.libelle, MoneyInput.plain($0.montant_cents)) }
        let funding = (input.financements ?? []).map { ($0.libelle, MoneyInput.plain($0.montant_cents), $0.public ?? false) }
        let (draft, problems) = Grants.check(title: input.titre ?? "", summary: input.resume ?? "", answers: answers, costs: costs,
                                             funding: funding, requested: input.montant_demande_cents.map(MoneyInput.plain) ?? "",
                                             program: program, coApplicants: parties)
        let names = ["title": "titre", "summary": "resume", "requested": "montant_demande_cents"]
        fields += problems.map { p in
            let name = names[p.field] ?? (p.field.hasPrefix("cout_") ? "couts" : p.field.hasPrefix("financement_") ? "financements"
                : p.field.hasPrefix("champ_") ? "reponses." + p.field.dropFirst(6) : p.field)
            return Problem.Field(name: name, key: p.key, arguments: p.arguments)
        }
        // Documents: decoded and checked by content before anything is written.
        var files: [(String, File, FileKind)] = []
        let maxBytes = req.application.settings.attachmentMaxMB * 1_048_576
        let required = Set(program.eligibility.documents.map(\.code))
        for (index, document) in (input.documents ?? []).enumerated() {
            guard required.contains(document.exigence), let data = Data(base64Encoded: document.contenu_base64) else {
                fields.append(Problem.Field(name: "documents[\(index)]", key: "grants.error.document_input", arguments: [:]))
                continue
            }
            let file = File(data: ByteBuffer(data: data), filename: document.nom)
            switch FileStore.check([file], maxBytes: maxBytes) {
            case .success(let checked): files += checked.map { (document.exigence, $0.0, $0.1) }
            case .failure:
                fields.append(Problem.Field(name: "documents[\(index)]", key: "grants.error.document_file", arguments: ["name": document.nom]))
            }
        }
        if let call, req.application.now >= call.closesAt {
            throw Problem(.unprocessableEntity, code: "call_closed", key: "grants.error.call_closed")
        }
        guard fields.isEmpty, let draft else {
            throw Problem(.unprocessableEntity, code: "invalid_application", key: "grants.error.summary_api",
                          fields: fields.map { f in Problem.Field(name: f.name, key: f.key, arguments: f.arguments) })
        }
        var blobs: [(requirement: String, blob: FileStore.Blob)] = []
        for (code, file, kind) in files { blobs.append((code, try await FileStore.save(file, kind: kind, app: req.application))) }
        let stored = blobs
        let found = call
        // Submitted in the same transaction when it can be; a draft missing documents is kept and
        // the answer says which.
        let documents = Set(stored.map(\.requirement))
        let missing = program.eligibility.documents.filter { !documents.contains($0.code) }
        let submitNow = input.deposer == true && missing.isEmpty
        let model: GrantApplicationModel
        do {
            model = try await req.write { db in
                let model = try await Grants.createDraft(draft, program: program, call: found, for: organisation,
                                                         submitting: submitNow ? documents : nil, as: req.caller, on: db)
                try await Grants.attach(stored, to: model, as: req.caller, on: db)
                return model
            }
        } catch let refusal as Grants.Refusal {
            throw Self.problem(refusal)
        }
        model.$program.value = program
        model.$organisation.value = organisation
        if input.deposer == true && !missing.isEmpty {
            throw Problem(.unprocessableEntity, code: "missing_documents", key: "grants.error.missing_documents",
                          arguments: ["number": model.number],
                          fields: missing.map { Problem.Field(name: "documents", key: "grants.eligibility.document",
                                                              arguments: ["document": $0.name(req.localizer.language)]) })
        }
        let response = try JSONResponse.json(ApplicationDTO(model, callCode: call?.code, l: req.localizer))
        response.status = .created
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/demandes-aide/\(model.number)")
        return response
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        var filter = try GrantPages.listFilter(req)
        filter.perPage = try Pagination.perPage(req, default: GrantPages.pageSize)
        guard let found = try await GrantPages.query(req, filter) else { return try JSONResponse.json([ApplicationDTO]()) }
        var calls: [UUID: String] = [:]
        for call in try await GrantCallModel.query(on: req.db).all() { calls[call.id!] = call.code }
        let response = try JSONResponse.json(found.rows.map { ApplicationDTO($0, callCode: $0.$call.id.flatMap { calls[$0] }, l: req.localizer) })
        Pagination.decorate(response, req, page: filter.page, perPage: filter.perPage, total: found.total)
        return response
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try JSONResponse.json(try await dto(req, try GrantPages.loaded(req)))
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        let model = try GrantPages.loaded(req)
        let version = (try? req.content.get(Int.self, at: "version")) ?? model.version
        do {
            try await req.write { db in try await Grants.submit(model, version: version, as: req.caller, on: db) }
        } catch let missing as Grants.MissingDocuments {
            throw Problem(.unprocessableEntity, code: "missing_documents", key: "grants.error.missing_documents",
                          arguments: ["number": model.number],
                          fields: missing.failures.map { Problem.Field(name: "documents", key: $0.key, arguments: $0.arguments) })
        } catch let refusal as Grants.Refusal {
            throw Self.problem(refusal)
        }
        return try JSONResponse.json(try await dto(req, model))
    }

    @Sendable func assign(_ req: Request) async throws -> Response {
        let model = try await GrantPages.find(req)
        guard Grants.actors(req.caller, for: model).contains(.programManager) else { throw Problem(.conflict, code: "role_refused", key: "grants.error.role") }
        let email = (try? req.content.get(String.self, at: "evaluateur")) ?? ""
        guard let person = try await PersonModel.query(on: req.db).filter(\.$email == email.lowercased()).first() else {
            throw Problem.invalidParameter("evaluateur", key: "grants.error.evaluator")
        }
        do {
            try await req.write { db in try await Grants.assign(model, evaluator: person, as: req.caller, on: db) }
        } catch let refusal as Grants.Refusal { throw Self.problem(refusal) }
        return try JSONResponse.json(try await dto(req, model))
    }

    struct ScoreInput: Content {
        struct Given: Content { let note: Int; let commentaire: String? }
        let notes: [String: Given]
    }

    @Sendable func score(_ req: Request) async throws -> Response {
        let model = try await GrantPages.find(req)
        guard let input = try? req.content.decode(ScoreInput.self) else { throw Problem(.badRequest, code: "bad_request", key: "problem.bad_request") }
        let grid = model.program.grid
        var fields: [Problem.Field] = []
        var scores: [String: (score: Int, comment: String)] = [:]
        for (index, criterion) in grid.criteria.enumerated() {
            guard let given = input.notes[criterion.code], grid.accepts(given.note, at: index) else {
                fields.append(Problem.Field(name: "notes.\(criterion.code)", key: "grants.error.score",
                                            arguments: ["criterion": criterion.name(req.localizer.language), "max": String(criterion.maxScore)]))
                continue
            }
            scores[criterion.code] = (given.note, String((given.commentaire ?? "").prefix(2_000)))
        }
        guard fields.isEmpty else { throw Problem(.unprocessableEntity, code: "invalid_scores", key: "grants.error.summary_api", fields: fields) }
        let given = scores
        do {
            try await req.write { db in try await Grants.score(model, scores: given, as: req.caller, on: db) }
        } catch let refusal as Grants.Refusal { throw Self.problem(refusal) }
        return try JSONResponse.json(try await dto(req, model))
    }

    struct DecisionInput: Content {
        let decision: String
        let montant_cents: Int64?
        let motifs: String?
        let version: Int
    }

    @Sendable func decide(_ req: Request) async throws -> Response {
        let model = try await GrantPages.find(req)
        guard let input = try? req.content.decode(DecisionInput.self), ["approve", "refuse", "waitlist"].contains(input.decision) else {
            throw Problem(.badRequest, code: "bad_request", key: "problem.bad_request")
        }
        do {
            try await req.write { db in
                try await Grants.decide(model, kind: input.decision, amount: input.montant_cents, reasons: input.motifs ?? "",
                                        version: input.version, as: req.caller, on: db)
            }
        } catch let refusal as Grants.Refusal { throw Self.problem(refusal) }
        return try JSONResponse.json(try await dto(req, model))
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        let model = try await GrantPages.find(req)
        let version = (try? req.content.get(Int.self, at: "version")) ?? model.version
        do {
            try await req.write { db in try await Grants.approveSecond(model, version: version, as: req.caller, on: db) }
        } catch let refusal as Grants.Refusal { throw Self.problem(refusal) }
        return try JSONResponse.json(try await dto(req, model))
    }

    @Sendable func ranking(_ req: Request) async throws -> Response {
        let call = try await GrantPages.call(req)
        let ranking = try await Grants.ranking(call, on: req.db)
        let rows = try await Grants.details(ranking, 0..<ranking.ranked.count, call: call, territory: req.application.territory.current,
                                            on: req.db)
        return try JSONResponse.json(RankingDTO(appel: call.code, exercice: ranking.envelope.fiscalYear, disponible_cents: ranking.availableCents,
                                               classement: rows.map { r in
            RankedDTO(rang: r.ranked.rank, numero: r.ranked.entry.number, organisation: r.organisation, titre: r.title,
                      note: Grants.formatScore(r.ranked.entry.score), montant_cents: r.ranked.entry.requestedCents,
                      cumul_cents: r.ranked.cumulativeCents, finance: r.ranked.funded, departage: r.ranked.tieBrokenBy, phase: r.phase)
        }))
    }
}
