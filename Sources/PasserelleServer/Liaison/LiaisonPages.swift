import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The liaison network (PAMAM 2.1) and the territorial business cards (2.2):
/// `/reseau-liaison` — who covers which territory and who stands in; administrators change it;
/// `/reseau-liaison/agents/{id}` — an agent's territories, meetings and how to reach them;
/// `/reseau-liaison/cartes?region=` — every card of a region, for the ministry's staff;
/// `/organisations/{code}/carte` (and `.vcf`) — a municipality's entry points, printable.
struct LiaisonPages: Sendable {

    struct LineForm: Content {
        var scope: String?
        var code: String?
        var agent: String?
        var backup: String?
    }

    /// The network: every line, the people who may be named, and (for administrators) the form.
    @Sendable func overview(_ req: Request) async throws -> Response {
        try await overviewPage(req, form: LineForm(scope: "region"), errors: [], status: .ok)
    }

    func overviewPage(_ req: Request, form: LineForm, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let lines = try await LiaisonQueries.lines(on: req.db)
        let agents = try await LiaisonQueries.agents(on: req.db)
        let territory = req.application.territory.current
        return LiaisonViews.overview(Layout(req), lines: lines, agents: agents, territory: territory, form: form, errors: errors,
                                     mayEdit: req.allows(.administer, Resource()), csrf: req.currentUser?.csrfToken ?? "")
            .page(status: status)
    }

    /// Names a territory: « Bas-Saint-Laurent (01) », « Rivière-du-Loup (MRC 120) ».
    static func territoryName(_ scope: CoverageScope, _ code: String, _ territory: TerritoryDirectory) -> String? {
        switch scope {
        case .region: territory.region(code).map { "\($0.record.name) (\(code))" }
        case .mrc: territory.unit(code).map { "\($0.record.name) (\(code))" }
        case .municipality: territory.municipality(code).map { "\($0.record.name) (\(code))" }
        }
    }

    /// Creates or replaces the line of a territory: the territory must exist, the agent and the
    /// backup be two different liaison agents.
    @Sendable func setLine(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(LineForm.self)) ?? LineForm()
        let territory = req.application.territory.current
        var errors: FormInput.Errors = []
        let scope = CoverageScope(rawValue: form.scope ?? "")
        if scope == nil { errors.append(("scope", l("liaison.error.scope"))) }
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        if let scope, Self.territoryName(scope, code, territory) == nil {
            errors.append(("code", l("liaison.error.code.\(scope.rawValue)")))
        }
        let agents = try await LiaisonQueries.agents(on: req.db)
        let agent = agents.first { $0.id?.uuidString == form.agent }
        if agent == nil { errors.append(("agent", l("liaison.error.agent"))) }
        let backupText = form.backup ?? ""
        let backup = agents.first { $0.id?.uuidString == backupText }
        if !backupText.isEmpty && backup == nil { errors.append(("backup", l("liaison.error.agent"))) }
        if let agent, let backup, agent.id == backup.id { errors.append(("backup", l("liaison.error.same"))) }
        guard errors.isEmpty, let scope, let agent else {
            return try await overviewPage(req, form: form, errors: errors, status: .unprocessableEntity)
        }
        let agentID = try agent.requireID()
        let backupID = try backup?.requireID()
        try await req.write { db in
            let existing = try await CoverageModel.query(on: db).filter(\.$scope == scope.rawValue).filter(\.$code == code).first()
            let line = existing ?? CoverageModel()
            let before = (existing?.$agent.id.uuidString, existing?.$backup.id?.uuidString)
            line.scope = scope.rawValue
            line.code = code
            line.$agent.id = agentID
            line.$backup.id = backupID
            line.version = (existing?.version ?? 0) + 1
            try await line.save(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: existing == nil ? "network.coverage.create" : "network.coverage.update",
                                   recordType: "liaison_coverage", recordID: "\(scope.rawValue):\(code)",
                                   changes: ["agent_id": .init(before: before.0, after: agentID.uuidString),
                                             "backup_id": .init(before: before.1, after: backupID?.uuidString)])
        }
        return req.redirect(to: "/reseau-liaison?enregistre=1", redirectType: .normal)
    }

    @Sendable func removeLine(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let line = try await CoverageModel.find(id, on: req.db) else { throw Problem.notFound() }
        try await req.write { db in
            try await line.delete(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.coverage.delete", recordType: "liaison_coverage",
                                   recordID: "\(line.scope):\(line.code)",
                                   changes: ["agent_id": .init(before: line.$agent.id.uuidString, after: nil),
                                             "backup_id": .init(before: line.$backup.id?.uuidString, after: nil)])
        }
        return req.redirect(to: "/reseau-liaison", redirectType: .normal)
    }

    struct ProfileForm: Content {
        var phone: String?
        var title: String?
    }

    @Sendable func agent(_ req: Request) async throws -> Response {
        try await agentPage(req, form: nil, errors: [], status: .ok)
    }

    func agentPage(_ req: Request, form: ProfileForm?, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let person = try await PersonModel.find(id, on: req.db) else { throw Problem.notFound() }
        let lines = try await CoverageModel.query(on: req.db).group(.or) { $0.filter(\.$agent.$id == id).filter(\.$backup.$id == id) }
            .with(\.$agent).with(\.$backup).all()
        let profile = try await AgentProfileModel.query(on: req.db).filter(\.$person.$id == id).first()
        let meetings = try await MeetingModel.query(on: req.db).filter(\.$agent.$id == id)
            .filter(\.$startsAt >= Date().addingTimeInterval(-90 * 86_400)).with(\.$organisation).sort(\.$startsAt).all()
        let form = form ?? ProfileForm(phone: profile?.phone, title: profile?.title)
        return LiaisonViews.agent(Layout(req), person: person, lines: lines, meetings: meetings,
                                  territory: req.application.territory.current, form: form, errors: errors,
                                  mayEdit: req.allows(.administer, Resource()), csrf: req.currentUser?.csrfToken ?? "")
            .page(status: status)
    }

    @Sendable func saveProfile(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              try await PersonModel.find(id, on: req.db) != nil else { throw Problem.notFound() }
        let form = (try? req.content.decode(ProfileForm.self)) ?? ProfileForm()
        let phone = (form.phone ?? "").trimmingCharacters(in: .whitespaces)
        let title = (form.title ?? "").trimmingCharacters(in: .whitespaces)
        var errors: FormInput.Errors = []
        if !Self.isPhone(phone) { errors.append(("phone", l("liaison.error.phone"))) }
        if title.count > 200 { errors.append(("title", l("liaison.error.title"))) }
        guard errors.isEmpty else { return try await agentPage(req, form: form, errors: errors, status: .unprocessableEntity) }
        try await req.write { db in
            let existing = try await AgentProfileModel.query(on: db).filter(\.$person.$id == id).first()
            let profile = existing ?? AgentProfileModel()
            let before = (existing?.phone, existing?.title)
            profile.$person.id = id
            profile.phone = phone
            profile.title = title
            try await profile.save(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.agent.update", recordType: "person",
                                   recordID: id.uuidString,
                                   changes: ["phone": .init(before: before.0, after: phone), "title": .init(before: before.1, after: title)])
        }
        return req.redirect(to: "/reseau-liaison/agents/\(id.uuidString)?enregistre=1", redirectType: .normal)
    }

    /// Empty, or digits with spaces, dashes, dots, parentheses, a leading + and an extension (« poste 1234 »).
    static func isPhone(_ text: String) -> Bool {
        if text.isEmpty { return true }
        guard text.count <= 40 else { return false }
        let digits = text.filter(\.isNumber).count
        let allowed = CharacterSet(charactersIn: "0123456789 +-.(),").union(.letters)
        return digits >= 7 && text.unicodeScalars.allSatisfy(allowed.contains)
    }

    /// Every card of a region (or, without one, the list of regions), for the ministry's staff.
    @Sendable func regionCards(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let region = req.query[String.self, at: "region"].flatMap { territory.region($0) }
        var cards: [EntryPoints] = []
        if let region {
            let lines = try await LiaisonQueries.lines(on: req.db)
            let profiles = try await LiaisonQueries.profiles(on: req.db)
            let codes = Set(territory.municipalities.filter { $0.active && $0.isLocal && $0.record.regionCode == region.record.code }
                .map(\.code))
            let organisations = try await OrganisationModel.query(on: req.db).filter(\.$kind == .municipality)
                .filter(\.$territoryCode ~~ codes).filter(\.$active == true).all()
                .sorted { $0.name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
                    < $1.name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil) }
            cards = organisations.map { LiaisonQueries.entryPoints(for: $0, territory: territory, lines: lines, profiles: profiles) }
        }
        return LiaisonViews.regionCards(Layout(req), territory: territory, region: region, cards: cards).page(status: .ok)
    }

    @Sendable func card(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let points = try await LiaisonQueries.entryPoints(for: organisation, territory: req.application.territory.current, on: req.db)
        return LiaisonViews.card(Layout(req), points).page(status: .ok)
    }

    @Sendable func vcard(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let points = try await LiaisonQueries.entryPoints(for: organisation, territory: req.application.territory.current, on: req.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/vcard; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"carte-\(organisation.code).vcf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: LiaisonQueries.vcards(points, req.localizer)))
    }
}
