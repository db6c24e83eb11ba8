/// The one answer to "may this actor do this action on this record?", for every module.
public enum Policy {
    /// Which ministry roles write in which service.
    static func ministryWrites(_ role: Role, in service: Service) -> Bool {
        switch (service, role) {
        case (.requests, .bcamCoordinator), (.requests, .liaisonAgent), (.requests, .analyst),
             (.grants, .programManager), (.grants, .evaluator), (.grants, .financeOfficer),
             (.works, .liaisonAgent), (.works, .analyst),
             (.surveys, .bcamCoordinator):
            true
        default:
            false
        }
    }

    public static func decide(_ actor: AccessActor, _ action: Action, _ resource: Resource, on day: CalendarDate) -> Decision {
        if resource.isPublic && action == .read { return .allow }
        guard actor.personID != nil else { return .deny(.notSignedIn) }
        if actor.memberships.contains(where: { $0.role == .administrator }) { return .allow }

        let ministryRoles = actor.memberships.map(\.role).filter(\.isMinistry)
        if !ministryRoles.isEmpty, let decision = ministryDecision(ministryRoles, action, resource) {
            return decision
        }
        return municipalDecision(actor, action, resource, on: day)
    }

    public static func allows(_ actor: AccessActor, _ action: Action, _ resource: Resource, on day: CalendarDate) -> Bool {
        decide(actor, action, resource, on: day) == .allow
    }

    /// Ministry staff read every municipality's records; they write in the services of their role.
    /// Nil when the resource is a municipality's own affair the ministry has no say in.
    static func ministryDecision(_ roles: [Role], _ action: Action, _ resource: Resource) -> Decision? {
        switch action {
        case .read:
            return .allow
        case .create, .update:
            guard let service = resource.service else { return .deny(.missingRole) }
            return roles.contains { ministryWrites($0, in: service) } ? .allow : .deny(.missingRole)
        case .readJournal:
            return roles.contains(.manager) ? .allow : .deny(.missingRole)
        case .manageAccess, .administer:
            return resource.ownerID == nil ? .deny(.missingRole) : nil
        }
    }

    static func municipalDecision(_ actor: AccessActor, _ action: Action, _ resource: Resource,
                                  on day: CalendarDate) -> Decision {
        guard let owner = resource.ownerID else { return .deny(.missingRole) }
        let roles = actor.memberships.filter { $0.organisationID == owner }.map(\.role)
        let mandates = actor.mandates.filter { $0.municipalityID == owner }
        if roles.isEmpty && mandates.isEmpty { return .deny(.otherOrganisation) }

        if roles.contains(.rse) { return action == .administer ? .deny(.missingRole) : .allow }
        guard let service = resource.service else {
            // Records of the municipality that belong to no service (its people, its journal):
            // the RSÉ's alone.
            return .deny(.missingRole)
        }
        for role in roles {
            switch (role, action) {
            case (.accessManager(service), .read), (.accessManager(service), .create),
                 (.accessManager(service), .update), (.accessManager(service), .manageAccess),
                 (.contributor(service), .read), (.contributor(service), .create), (.contributor(service), .update),
                 (.reader(service), .read):
                return .allow
            default:
                continue
            }
        }
        let relevant = mandates.filter { $0.services.contains(service) }
        if relevant.contains(where: { $0.isInForce(on: day) }) {
            return [.read, .create, .update].contains(action) ? .allow : .deny(.missingRole)
        }
        return relevant.isEmpty ? .deny(.missingRole) : .deny(.mandateEnded)
    }
}
