import Foundation

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
        if let scopes = actor.scopes, !scopesAllow(scopes, action, resource) { return .deny(.missingScope) }
        if actor.memberships.contains(where: { $0.role == .administrator }) { return .allow }

        if actor.isMinistry, let decision = ministryDecision(actor, action, resource) {
            return decision
        }
        return municipalDecision(actor, action, resource, on: day)
    }

    /// A token reads with `service:read` or `service:write`, writes with `service:write`, and never
    /// manages access, reads the journal or administers.
    static func scopesAllow(_ scopes: Set<Scope>, _ action: Action, _ resource: Resource) -> Bool {
        guard let service = resource.service else { return false }
        switch action {
        case .read: return scopes.contains(Scope(service, .read)) || scopes.contains(Scope(service, .write))
        case .create, .update: return scopes.contains(Scope(service, .write))
        case .manageAccess, .readJournal, .administer: return false
        }
    }

    /// Whose records of a service the actor may read: every municipality's for the ministry, else
    /// those of their organisations and of their mandates in force. Nil when they may read none.
    public static func readableOwners(_ actor: AccessActor, service: Service, on day: CalendarDate) -> ListScope? {
        guard actor.personID != nil else { return nil }
        if let scopes = actor.scopes, !scopesAllow(scopes, .read, Resource(service: service)) { return nil }
        if actor.isMinistry { return ministryListScope(actor, service: service) }
        var owners = Set(actor.memberships.map(\.organisationID))
        owners.formUnion(actor.mandates.map(\.municipalityID))
        let readable = owners.filter { allows(actor, .read, Resource(service: service, ownerID: $0), on: day) }
        return readable.isEmpty ? nil : .only(readable)
    }

    /// May the actor give this role in this organisation? Ministry roles are given by
    /// administrators only, the RSÉ role by the organisation's RSÉ (or an administrator), and a role
    /// of a service by whoever manages access to that service there. Municipal roles exist in
    /// municipalities, MRC and partner bodies; ministry roles in the ministry's units.
    public static func mayGrant(_ actor: AccessActor, _ role: Role, in owner: UUID, kind: OrganisationKind,
                                on day: CalendarDate) -> Bool {
        guard role.isMinistry == (kind == .ministryUnit) else { return false }
        if actor.scopes != nil { return false }
        if actor.isAdministrator { return true }
        switch role {
        case .administrator, .bcamCoordinator, .liaisonAgent, .analyst, .programManager, .evaluator, .financeOfficer, .manager:
            return false
        case .rse:
            return actor.memberships.contains { $0.organisationID == owner && $0.role == .rse }
        case .accessManager(let service), .contributor(let service), .reader(let service):
            return actor.memberships.contains { $0.organisationID == owner } &&
                allows(actor, .manageAccess, Resource(service: service, ownerID: owner), on: day)
        }
    }

    public static func allows(_ actor: AccessActor, _ action: Action, _ resource: Resource, on day: CalendarDate) -> Bool {
        decide(actor, action, resource, on: day) == .allow
    }

    /// Need-to-know for ministry staff. The BCAM, managers and administrators read every
    /// municipality's records; program managers and finance officers every record of financial aid
    /// (applications, agreements, payments); evaluators only the applications they are assigned to,
    /// never one of an organisation they declared a conflict with; everyone else (liaison agents,
    /// analysts) the records of the municipalities in their unit's regions and those assigned to their
    /// unit — a unit that serves no particular region serves the whole province.
    static func ministryRead(_ actor: AccessActor, _ resource: Resource) -> Decision {
        guard let owner = resource.ownerID else { return .allow }
        var denial = DenialReason.outsideTerritory
        for membership in actor.memberships where membership.role.isMinistry {
            switch membership.role {
            case .administrator, .manager, .bcamCoordinator:
                return .allow
            case .programManager where resource.service == .grants, .financeOfficer where resource.service == .grants:
                return .allow
            case .evaluator:
                if resource.service == .grants, let person = actor.personID, resource.assignees?.contains(person) == true,
                   !resource.excluded.contains(person) { return .allow }
                denial = .notAssigned
                continue
            default:
                break
            }
            guard let owners = actor.territories[membership.organisationID] else { return .allow }
            if owners.contains(owner) || resource.unitID == membership.organisationID { return .allow }
        }
        return .deny(denial)
    }

    /// The same rule for a list, as its SQL filter.
    static func ministryListScope(_ actor: AccessActor, service: Service) -> ListScope? {
        var owners: Set<UUID> = [], units: Set<UUID> = [], evaluator = false
        for membership in actor.memberships where membership.role.isMinistry {
            switch membership.role {
            case .administrator, .manager, .bcamCoordinator:
                return .all
            case .programManager where service == .grants, .financeOfficer where service == .grants:
                return .all
            case .evaluator:
                evaluator = true
                continue
            default:
                break
            }
            guard let regionOwners = actor.territories[membership.organisationID] else { return .all }
            owners.formUnion(regionOwners)
            units.insert(membership.organisationID)
        }
        if !units.isEmpty { return .territory(owners: owners, units: units) }
        if evaluator, service == .grants, let person = actor.personID { return .assigned(person) }
        return nil
    }

    /// Ministry staff read what their role needs (`ministryRead`); they write in the services of
    /// their role, on the records they may read. Nil when the resource is a municipality's own
    /// affair the ministry has no say in.
    static func ministryDecision(_ actor: AccessActor, _ action: Action, _ resource: Resource) -> Decision? {
        let roles = actor.memberships.map(\.role).filter(\.isMinistry)
        switch action {
        case .read:
            return ministryRead(actor, resource)
        case .create, .update:
            guard let service = resource.service else { return .deny(.missingRole) }
            guard roles.contains(where: { ministryWrites($0, in: service) }) else { return .deny(.missingRole) }
            // A work on the shared map is changed by its owner only: a unit's own staff.
            if service == .works, let owner = resource.ownerID {
                return actor.memberships.contains { $0.organisationID == owner && ministryWrites($0.role, in: .works) }
                    ? .allow : .deny(.otherOrganisation)
            }
            // A record is changed only by those who may read it.
            if resource.ownerID != nil {
                let read = ministryRead(actor, resource)
                if read != .allow { return read }
            }
            return .allow
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
            // Records of the municipality that belong to no service (its people, its journal): the
            // RSÉ's; an access-rights manager of any service may open the list of people to grant
            // the roles of that service (each grant is checked for its own service).
            // Any member (or mandataire in force) reads what the organisation is told about itself
            // (its entry points at the ministry).
            if action == .read && (!roles.isEmpty || mandates.contains { $0.isInForce(on: day) }) { return .allow }
            let managesAService = roles.contains { if case .accessManager = $0 { true } else { false } }
            return action == .manageAccess && managesAService ? .allow : .deny(.missingRole)
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
