import Fluent
import Foundation
import PasserelleCore
import Vapor

/// "Mon organisation": the RSÉ (and access-rights managers, and administrators) manage who acts
/// for the organisation: people and their roles, invitations, mandates.
struct OrganisationPages: Sendable {

    /// The organisations whose access the person manages; straight to it when there is one.
    @Sendable func mine(_ req: Request) async throws -> Response {
        guard let user = req.currentUser else { throw SignInRequired() }
        let ids = user.memberships.map(\.organisationID).filter { req.allows(.manageAccess, Resource(ownerID: $0)) }
        let organisations = try await OrganisationModel.query(on: req.db).filter(\.$id ~~ ids).sort(\.$name).all()
        if organisations.count == 1 { return req.redirect(to: "/organisations/\(organisations[0].code)/acces") }
        return OrganisationViews.mine(Layout(req), organisations: organisations).page(status: .ok)
    }

    struct InviteForm: Content {
        var email: String?
        var name: String?
        var role: String?
        var service: String?
        var language: String?
        var spending_limit: String?
    }

    struct MandateForm: Content {
        var mandate_email: String?
        var mandate_name: String?
        var firm: String?
        var services: [String]?
        var ends_on: String?
    }

    struct Forms {
        var invite = InviteForm(language: "fr-CA")
        var mandate = MandateForm()
        var errors: FormInput.Errors = []
        var notice: String?
    }

    @Sendable func access(_ req: Request) async throws -> Response {
        try await accessPage(req, forms: Forms(), status: .ok)
    }

    func accessPage(_ req: Request, forms: Forms, status: HTTPResponseStatus) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let organisationID = try organisation.requireID()
        // Scoped in SQL: this organisation's rows only.
        let memberships = try await MembershipModel.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .with(\.$person).all()
            .sorted { ($0.person.displayName, $0.role) < ($1.person.displayName, $1.role) }
        let mandates = try await MandateModel.query(on: req.db).filter(\.$organisation.$id == organisationID)
            .with(\.$person).sort(\.$createdAt, .descending).all()
        let history = try await AuditEventModel.query(on: req.db)
            .group(.or) { $0.filter(\.$actorOrganisationID == organisationID)
                .filter(\.$recordID == organisationID.uuidString) }
            .sort(\.$sequence, .descending).limit(20).all()
        let actor = req.accessActor
        let grantable = OrganisationViews.roleChoices(for: organisation.kind).filter { choice in
            Policy.mayGrant(actor, choice, in: organisationID, kind: organisation.kind, on: .today)
        }
        return OrganisationViews.access(Layout(req), organisation: organisation, memberships: memberships, mandates: mandates,
                                        history: history, grantable: grantable, forms: forms,
                                        csrf: req.currentUser?.csrfToken ?? "").page(status: status)
    }

    @Sendable func invite(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let organisation = try req.requireOrganisation()
        let l = req.localizer
        let form = (try? req.content.decode(InviteForm.self)) ?? InviteForm()
        var errors: FormInput.Errors = []
        let email = PersonModel.normalized(form.email ?? "")
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !Self.plausibleEmail(email) { errors.append(("email", l("invite.error.email"))) }
        if name.isEmpty || name.count > 120 { errors.append(("name", l("invite.error.name"))) }
        var limit: Int64?
        if form.role == "finance_officer" {
            guard let money = Money(parsing: form.spending_limit ?? ""), money.cents > 0 else {
                errors.append(("spending_limit", l("invite.error.spending_limit")))
                return try await accessPage(req, forms: Forms(invite: form, errors: errors), status: .unprocessableEntity)
            }
            limit = money.cents
        }
        let role = form.role.flatMap { MembershipModel.role(name: $0, service: form.service?.nilIfEmpty, spendingLimitCents: limit) }
        if let role {
            if !Policy.mayGrant(req.accessActor, role, in: try organisation.requireID(), kind: organisation.kind, on: .today) {
                errors.append(("role", l("invite.error.role_not_yours")))
            }
        } else {
            errors.append(("role", l("invite.error.role")))
        }
        let language = Language(rawValue: form.language ?? "") ?? .frCA
        guard errors.isEmpty, let role else {
            return try await accessPage(req, forms: Forms(invite: form, errors: errors), status: .unprocessableEntity)
        }
        let invited = try await req.write { db in
            try await AccessChanges.invite(email: email, name: name, role: role, in: organisation, language: language,
                                           as: req.caller, on: db)
        }
        let notice = l(invited.created ? "invite.sent" : "invite.granted", ["email": email])
        return try await accessPage(req, forms: Forms(notice: notice), status: .ok)
    }

    @Sendable func removeRole(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let organisation = try req.requireOrganisation()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let membership = try await MembershipModel.query(on: req.db).filter(\.$id == id)
                  .filter(\.$organisation.$id == organisation.requireID()).first(),
              let role = membership.decodedRole else { throw Problem.notFound() }
        guard Policy.mayGrant(req.accessActor, role, in: try organisation.requireID(), kind: organisation.kind, on: .today) else {
            throw RoutePolicy.problem(for: .missingRole)
        }
        try await req.write { db in
            try await AccessChanges.remove(membership, organisation: organisation, as: req.caller, on: db)
        }
        return req.redirect(to: "/organisations/\(organisation.code)/acces", redirectType: .normal)
    }

    @Sendable func grantMandate(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let organisation = try req.requireOrganisation()
        let organisationID = try organisation.requireID()
        let l = req.localizer
        let form = (try? req.content.decode(MandateForm.self)) ?? MandateForm()
        var errors: FormInput.Errors = []
        let email = PersonModel.normalized(form.mandate_email ?? "")
        let name = (form.mandate_name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let firm = (form.firm ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if organisation.kind != .municipality && organisation.kind != .mrc {
            errors.append(("firm", l("mandates.error.kind")))
        }
        if !Self.plausibleEmail(email) { errors.append(("mandate_email", l("invite.error.email"))) }
        if name.isEmpty || name.count > 120 { errors.append(("mandate_name", l("invite.error.name"))) }
        if firm.isEmpty || firm.count > 160 { errors.append(("firm", l("mandates.error.firm"))) }
        let services = Set((form.services ?? []).compactMap(Service.init(rawValue:)))
        if services.isEmpty { errors.append(("services", l("mandates.error.services"))) }
        for service in services where !req.allows(.manageAccess, Resource(service: service, ownerID: organisationID)) {
            errors.append(("services", l("mandates.error.service_not_yours", ["service": l("service.\(service.rawValue)")])))
        }
        let endsOn = CalendarDate(iso: form.ends_on ?? "")
        if let endsOn {
            if endsOn < CalendarDate.today { errors.append(("ends_on", l("mandates.error.past"))) }
        } else {
            errors.append(("ends_on", l("mandates.error.date")))
        }
        guard errors.isEmpty, let endsOn else {
            return try await accessPage(req, forms: Forms(mandate: form, errors: errors), status: .unprocessableEntity)
        }
        let created = try await req.write { db -> Bool in
            let invited = try await AccessChanges.findOrInvite(email: email, name: name, language: .frCA, for: organisation,
                                                               as: req.caller, on: db)
            _ = try await AccessChanges.grantMandate(to: invited.person, firm: firm, services: services, endsOn: endsOn,
                                                     for: organisation, as: req.caller, on: db)
            return invited.created
        }
        let notice = l(created ? "mandates.granted_invited" : "mandates.granted", ["email": email])
        return try await accessPage(req, forms: Forms(notice: notice), status: .ok)
    }

    @Sendable func revokeMandate(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let organisation = try req.requireOrganisation()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let mandate = try await MandateModel.query(on: req.db).filter(\.$id == id)
                  .filter(\.$organisation.$id == organisation.requireID()).first(),
              let decoded = mandate.mandate else { throw Problem.notFound() }
        for service in decoded.services {
            try req.authorize(.manageAccess, Resource(service: service, ownerID: try organisation.requireID()))
        }
        try await req.write { db in try await AccessChanges.revoke(mandate, as: req.caller, on: db) }
        return req.redirect(to: "/organisations/\(organisation.code)/acces", redirectType: .normal)
    }

    /// A person of the organisation: reading it is journaled (personal information).
    @Sendable func person(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let organisationID = try organisation.requireID()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let person = try await PersonModel.find(id, on: req.db) else { throw Problem.notFound() }
        let memberships = try await MembershipModel.query(on: req.db).filter(\.$person.$id == id)
            .filter(\.$organisation.$id == organisationID).all()
        let mandates = try await MandateModel.query(on: req.db).filter(\.$person.$id == id)
            .filter(\.$organisation.$id == organisationID).all()
        // Someone who does not act for this organisation is not shown through it.
        guard !memberships.isEmpty || !mandates.isEmpty else { throw Problem.notFound() }
        try await PersonalInformation.journalRead(of: person, request: req)
        let history = try await PersonalInformation.history(of: person, on: req.db)
        return OrganisationViews.person(Layout(req), organisation: organisation, person: person, memberships: memberships,
                                        mandates: mandates, history: history).page(status: .ok)
    }

    static func plausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && email.count <= 254
            && !email.contains(where: { $0.isWhitespace })
    }
}

/// Reading someone's personal information leaves a trace in the journal.
enum PersonalInformation {
    static func journalRead(of person: PersonModel, request: Request) async throws {
        // One's own record is not worth a trace.
        guard person.id != request.currentUser?.personID else { return }
        try await request.write { db in
            try await Audit.record(on: db, actor: request.auditActor, action: "person.read", recordType: "person",
                                   recordID: try person.requireID().uuidString)
        }
    }

    /// The person's own history: changes to their record, their roles and their mandates.
    static func history(of person: PersonModel, on db: any Database, limit: Int = 50) async throws -> [AuditEventModel] {
        let id = try person.requireID()
        let mandateIDs = try await MandateModel.query(on: db).filter(\.$person.$id == id).all().compactMap { $0.id?.uuidString }
        return try await AuditEventModel.query(on: db)
            .group(.or) { group in
                group.group(.and) { $0.filter(\.$recordType == "person").filter(\.$recordID == id.uuidString) }
                if !mandateIDs.isEmpty {
                    group.group(.and) { $0.filter(\.$recordType == "mandate").filter(\.$recordID ~~ mandateIDs) }
                }
            }
            .sort(\.$sequence, .descending).limit(limit).all()
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }

    /// Without the white space (and line breaks) at either end. Foundation's
    /// `trimmingCharacters(in:)` goes through a character set for each call, even on an empty
    /// string: on the filing path it cost more than the checks themselves.
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return first == startIndex && last == index(before: endIndex) ? self : String(self[first...last])
    }
}
