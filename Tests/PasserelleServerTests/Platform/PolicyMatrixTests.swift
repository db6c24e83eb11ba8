import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import Vapor
import VaporTesting

/// Walks every route of the app × every role × a record of one's own organisation and of another,
/// and fails on any answer the policy does not grant. A route registered without a policy fails it.
@Suite struct PolicyMatrixTests {
    struct Persona {
        let name: String
        var roles: [(String, Role)] = []
        var mandate: (services: String, endsOn: String, revoked: Bool)?
        var tokenScopes: Set<Scope>?
    }

    static let own = "mun-46005"      // Abercorn
    static let other = "mun-48028"    // Acton Vale

    static let personas: [Persona] = {
        var list = [Persona(name: "anonyme")]
        let ministry: [Role] = [.administrator, .bcamCoordinator, .liaisonAgent, .analyst, .programManager, .evaluator,
                                .financeOfficer(spendingLimitCents: 10_000_000), .manager]
        for role in ministry { list.append(Persona(name: "ministere-\(MembershipModel.columns(of: role).0)", roles: [("unite-bcam", role)])) }
        // Need-to-know: a directorate whose regions hold both municipalities (Montérégie), and one whose regions hold neither.
        for (unit, role) in [("unite-dgt-sud", Role.analyst), ("unite-dgt-sud", .liaisonAgent), ("unite-dgt-est", .liaisonAgent),
                             ("unite-dgt-est", .analyst), ("unite-dgt-est", .evaluator)] {
            list.append(Persona(name: "\(unit)-\(MembershipModel.columns(of: role).0)", roles: [(unit, role)]))
        }
        for role in [Role.rse, .accessManager(.requests), .accessManager(.grants), .contributor(.requests), .reader(.requests),
                     .contributor(.works)] {
            let (name, service, _) = MembershipModel.columns(of: role)
            list.append(Persona(name: "abercorn-\(name)-\(service ?? "tous")", roles: [(own, role)]))
        }
        list.append(Persona(name: "mandataire", mandate: ("requests", "2099-12-31", false)))
        list.append(Persona(name: "mandataire-revoque", mandate: ("requests", "2099-12-31", true)))
        list.append(Persona(name: "mandataire-echu", mandate: ("requests", "2020-01-01", false)))
        list.append(Persona(name: "jeton-rse", roles: [(own, .rse)], tokenScopes: [Scope(.requests, .write)]))
        list.append(Persona(name: "jeton-admin", roles: [("unite-bcam", .administrator)], tokenScopes: [Scope(.requests, .read)]))
        return list
    }()

    /// What the test needs to act as one persona.
    struct Credential {
        let persona: Persona
        let personID: UUID?
        let actor: AccessActor
        let cookieToken: String?
        let csrf: String?
        let bearer: String?
        /// The organisation of the token, for a bearer.
        var tokenOrganisationID: UUID? = nil
    }

    static func organisationID(_ code: String, _ app: Application) async throws -> UUID {
        try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == code).first()?.id)
    }

    static func make(_ persona: Persona, index: Int, app: Application) async throws -> Credential {
        guard persona.name != "anonyme" else {
            return Credential(persona: persona, personID: nil, actor: .anonymous, cookieToken: nil, csrf: nil, bearer: nil)
        }
        let person = PersonModel(email: "\(persona.name)-\(index)@matrice.test", displayName: persona.name, passwordHash: nil)
        try await person.create(on: app.db)
        let personID = try person.requireID()
        for (code, role) in persona.roles {
            try await MembershipModel(personID: personID, organisationID: try await organisationID(code, app), role: role)
                .create(on: app.db)
        }
        if let m = persona.mandate {
            let mandate = MandateModel()
            mandate.$person.id = personID
            mandate.$organisation.id = try await organisationID(own, app)
            mandate.grantedBy = personID
            mandate.firm = "Firme"
            mandate.services = m.services
            mandate.endsOn = m.endsOn
            mandate.revokedAt = m.revoked ? Date() : nil
            try await mandate.create(on: app.db)
        }
        let (memberships, mandates) = try await Sessions.grants(of: personID, on: app.db)
        // The directorates' territories, as the server computes them when it reads a credential.
        let territories = try await app.ministryTerritories.map(territory: app.territory.current, on: app.db)
            .filter { unit, _ in memberships.contains { $0.organisationID == unit && $0.role.isMinistry } }
        var actor = AccessActor(personID: personID, memberships: memberships, mandates: mandates, territories: territories)
        if let scopes = persona.tokenScopes {
            let organisationCode = persona.roles.first?.0 ?? own
            let secret = "psr_" + RandomToken.make()
            let token = APITokenModel()
            token.$person.id = personID
            token.$organisation.id = try await organisationID(organisationCode, app)
            token.name = "matrice"
            token.scopes = Scope.text(scopes)
            token.tokenHash = Sessions.hash(secret)
            token.prefix = String(secret.prefix(10))
            token.expiresAt = Date().addingTimeInterval(3600)
            try await token.create(on: app.db)
            actor = actor.narrowed(to: try await organisationID(organisationCode, app), scopes: scopes)
            return Credential(persona: persona, personID: personID, actor: actor, cookieToken: nil, csrf: nil, bearer: secret,
                              tokenOrganisationID: try await organisationID(organisationCode, app))
        }
        return Credential(persona: persona, personID: personID, actor: actor, cookieToken: nil, csrf: nil, bearer: nil)
    }

    /// A fresh session for each request: some routes close sessions.
    static func session(for personID: UUID, app: Application) async throws -> (token: String, csrf: String) {
        let token = RandomToken.make()
        let session = SessionModel()
        session.$person.id = personID
        session.tokenHash = Sessions.hash(token)
        session.csrfToken = RandomToken.make()
        session.lastSeenAt = Date()
        session.expiresAt = Date().addingTimeInterval(3600)
        try await session.create(on: app.db)
        return (token, session.csrfToken)
    }

    @Test func everyRouteAnswersOnlyWhatThePolicyGrants() async throws {
        try await withPasserelle { app in
            var credentials: [Credential] = []
            for (index, persona) in Self.personas.enumerated() {
                credentials.append(try await Self.make(persona, index: index, app: app))
            }
            let ownID = try await Self.organisationID(Self.own, app)
            let otherID = try await Self.organisationID(Self.other, app)
            // A person of each organisation, for the routes that show one.
            let ownPerson = try #require(credentials.first { $0.persona.name.hasPrefix("abercorn-rse") }?.personID)
            let otherPerson = PersonModel(email: "rse@acton.test", displayName: "RSÉ Acton Vale", passwordHash: nil)
            try await otherPerson.create(on: app.db)
            try await MembershipModel(personID: try otherPerson.requireID(), organisationID: otherID, role: .rse).create(on: app.db)

            // A request of each organisation, for the routes of a request.
            var numbers: [String: String] = [:]
            let type = try #require(try await RequestTypeModel.query(on: app.db).first())
            let bcam = try await Self.organisationID("unite-bcam", app)
            for (code, id) in [(Self.own, ownID), (Self.other, otherID)] {
                let model = RequestModel()
                model.number = "DM-2026-00000\(numbers.count + 1)"
                model.$type.id = try type.requireID()
                model.$organisation.id = id
                model.$requester.id = code == Self.own ? ownPerson : try otherPerson.requireID()
                model.$unit.id = bcam
                model.title = "Essai"
                model.details = "Essai"
                model.status = .received
                model.priority = "normal"
                model.filedOn = "2026-11-20"
                model.expectedOn = "2026-12-04"
                model.language = "fr-CA"
                model.searchText = "essai"
                model.version = 1
                try await model.create(on: app.db)
                numbers[code] = model.number
            }

            // An application for financial aid of each organisation, for the routes of an application.
            var grantNumbers: [String: String] = [:]
            let program = try #require(try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first())
            for (code, id) in [(Self.own, ownID), (Self.other, otherID)] {
                let model = GrantApplicationModel()
                model.number = "AF-2026-00000\(grantNumbers.count + 1)"
                model.$program.id = try program.requireID()
                model.$organisation.id = id
                model.$applicant.id = code == Self.own ? ownPerson : try otherPerson.requireID()
                model.language = "fr-CA"
                model.phase = "draft"
                model.workflowVersion = 1
                model.title = "Essai"
                model.summary = "Essai"
                model.eligibleCents = 0
                model.requestedCents = 0
                model.version = 1
                try await model.create(on: app.db)
                grantNumbers[code] = model.number
            }

            // An agreement of each organisation, for the routes of an agreement.
            var agreementNumbers: [String: String] = [:]
            for (code, id) in [(Self.own, ownID), (Self.other, otherID)] {
                let model = AgreementModel()
                model.number = "CA-2026-00000\(agreementNumbers.count + 1)"
                model.kind = "protocole"
                model.$organisation.id = id
                model.title = "Essai"
                model.conditions = ""
                model.amountCents = 100_000_00
                model.termsJSON = Agreements.json(ScheduleTerms(totalCents: 100_000_00, start: .today, months: 12, instalments: 2))
                model.language = "fr-CA"
                model.version = 1
                model.state = "awaiting_signatures"
                model.revision = 0
                model.paidCents = 0
                model.inRunCents = 0
                try await model.create(on: app.db)
                agreementNumbers[code] = model.number
            }

            // An internal work of each organisation, for the routes of a work.
            var workNumbers: [String: String] = [:]
            for (code, id) in [(Self.own, ownID), (Self.other, otherID)] {
                let (checked, _) = InterventionInput.matrixWork.checked(territory: app.territory.current, defaultMunicipality: nil)
                let m = InterventionModel()
                m.number = "IV-2026-00000\(workNumbers.count + 1)"
                m.version = 1
                m.$organisation.id = id
                Works.apply(try #require(checked), to: m, workingDays: app.workingDays)
                try await m.create(on: app.db)
                workNumbers[code] = m.number
            }

            let routes = app.routes.all
            #expect(routes.count > 40)
            var checked = 0
            var failures: [String] = []
            for route in routes {
                let template = "/" + route.path.map(\.description).joined(separator: "/")
                guard let policy = route.policy else {
                    failures.append("\(route.method) \(template) has no policy")
                    continue
                }
                let hasCode = route.path.contains { component in
                    if case .parameter(let name) = component { name == "code" || name == "numero" } else { false }
                }
                for variant in hasCode ? [Self.own, Self.other] : [Self.own] {
                    let organisationID = variant == Self.own ? ownID : otherID
                    let path = "/" + route.path.map { component -> String in
                        switch component {
                        case .constant(let value): return value
                        case .parameter("code"): return variant
                        case .parameter("numero") where template.contains("interventions"):
                            return workNumbers[variant]!
                        case .parameter("numero"):
                            if template.hasPrefix("/conventions") || template.hasPrefix("/api/v1/conventions") { return agreementNumbers[variant]! }
                            return template.contains("aide") ? grantNumbers[variant]! : numbers[variant]!
                        case .parameter("file"): return String(Assets.stylesheetURL.dropFirst("/assets/".count))
                        case .parameter("token"): return "inconnu"
                        case .parameter("id") where template.hasSuffix("personnes/:id") && route.method == .GET:
                            return (variant == Self.own ? ownPerson : try! otherPerson.requireID()).uuidString
                        case .parameter: return UUID().uuidString
                        default: return "x"
                        }
                    }.joined(separator: "/")
                    for credential in credentials {
                        let expected: Decision
                        switch policy {
                        case .open: expected = .allow
                        case .signedIn: expected = credential.personID == nil ? .deny(.notSignedIn) : .allow
                        case .organisation(let action, let service, _):
                            // Requests are assigned to the BCAM; no evaluator is assigned to the applications.
                            let isRequest = !template.contains("aide") && !template.contains("conventions") && !template.contains("interventions")
                            expected = Policy.decide(credential.actor, action,
                                                     Resource(service: service, ownerID: organisationID, unitID: isRequest ? bcam : nil,
                                                              assignees: template.contains("aide") ? [] : nil),
                                                     on: .today)
                        case .ministry(let action, let service):
                            expected = Policy.decide(credential.actor, action, Resource(service: service), on: .today)
                        case .apiKey(let action, let service):
                            // Systems only: a token, judged on its own organisation.
                            expected = credential.tokenOrganisationID.map {
                                Policy.decide(credential.actor, action, Resource(service: service, ownerID: $0), on: .today)
                            } ?? .deny(.notSignedIn)
                        case .record(let action, let service, _):
                            // Each module's record routes need their fixture here (a record of each
                            // organisation, named by the path parameter); until then they fail.
                            guard template.contains(":numero") else {
                                failures.append("\(route.method) \(template): no matrix fixture for a record route")
                                continue
                            }
                            // Requests are assigned to the BCAM; no evaluator is assigned to the applications.
                            let isRequest = !template.contains("aide") && !template.contains("conventions") && !template.contains("interventions")
                            expected = Policy.decide(credential.actor, action,
                                                     Resource(service: service, ownerID: organisationID, unitID: isRequest ? bcam : nil,
                                                              assignees: template.contains("aide") ? [] : nil),
                                                     on: .today)
                        }
                        var headers = HTTPHeaders()
                        var form: [String: String] = [:]
                        if let bearer = credential.bearer {
                            headers.add(name: .authorization, value: "Bearer \(bearer)")
                        } else if let personID = credential.personID {
                            let (token, csrf) = try await Self.session(for: personID, app: app)
                            headers.add(name: .cookie, value: "\(Sessions.cookieName)=\(token)")
                            form[CSRF.field] = csrf
                        } else {
                            headers.add(name: .cookie, value: "\(CSRF.cookieName)=\(String(repeating: "c", count: 40))")
                            form[CSRF.field] = String(repeating: "c", count: 40)
                        }
                        var body: ByteBuffer?
                        if route.method == .POST {
                            headers.contentType = .urlEncodedForm
                            body = ByteBuffer(string: form.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
                        }
                        let response = try await app.testing().sendRequest(route.method, path, headers: headers, body: body)
                        let status = response.status.code
                        let location = response.headers.first(name: .location) ?? ""
                        let refused = status == 401 || status == 403 || (status == 303 && location.hasPrefix("/connexion?retour="))
                        let what = "\(route.method) \(path) as \(credential.persona.name): \(status), policy says \(expected)"
                        if expected == .allow && refused { failures.append("refused but granted — " + what) }
                        if expected != .allow && !refused { failures.append("answered but not granted — " + what) }
                        checked += 1
                    }
                }
            }
            #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) failures:\n" + failures.prefix(40).joined(separator: "\n")))
            #expect(checked > 1000)
        }
    }

    @Test func aRouteWithoutAPolicyIsClosedToEverybody() async throws {
        try await withPasserelle { app in
            app.get("oubliee") { _ in "ouvert" }
            #expect(app.routes.all.first { $0.path.first?.description == "oubliee" }?.policy == nil)
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            #expect(try await admin.send(.GET, "/oubliee").status == .forbidden)
            #expect(try await Browser(app).send(.GET, "/oubliee").status == .forbidden)
        }
    }
}

extension InterventionInput {
    /// An internal work in Abercorn, for the matrix.
    static var matrixWork: InterventionInput {
        var i = InterventionInput()
        i.titre = "Essai"
        i.visibilite = "internal"
        i.latitude = "45.03"
        i.longitude = "-72.66"
        i.debut = "2027-06-01"
        i.fin = "2027-06-05"
        return i
    }
}
