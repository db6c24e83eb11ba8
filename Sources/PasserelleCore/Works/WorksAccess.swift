import Foundation

/// Who sees a work on the shared map, and who changes it. A work is changed by its owner only
/// (`Policy`: the organisation's people with the works role, a unit's staff who write works, an
/// administrator); it is seen according to its visibility:
///
/// - public: by everyone, the open map and the feeds included;
/// - partners: by every signed-in person of an organisation (a municipality, an MRC, a partner,
///   the ministry), and by a system whose token reads works;
/// - internal: by its owner's people and by the ministry staff who may read that owner's records
///   (need-to-know, as for every other record).
public enum WorksAccess {
    public static func mayRead(_ actor: AccessActor, visibility: WorkVisibility, owner: UUID, on day: CalendarDate) -> Bool {
        switch visibility {
        case .public:
            return true
        case .partners:
            return isPartner(actor) || Policy.allows(actor, .read, Resource(service: .works, ownerID: owner, unitID: owner), on: day)
        case .internal:
            return Policy.allows(actor, .read, Resource(service: .works, ownerID: owner, unitID: owner), on: day)
        }
    }

    /// A signed-in member of an organisation (or a mandataire), or a token that reads works.
    public static func isPartner(_ actor: AccessActor) -> Bool {
        guard actor.personID != nil else { return false }
        if let scopes = actor.scopes, !scopes.contains(Scope(.works, .read)) && !scopes.contains(Scope(.works, .write)) { return false }
        return !actor.memberships.isEmpty || !actor.mandates.isEmpty
    }

    public static func mayChange(_ actor: AccessActor, owner: UUID, on day: CalendarDate) -> Bool {
        Policy.allows(actor, .update, Resource(service: .works, ownerID: owner), on: day)
    }

    /// Whose internal works the actor reads, as a list's filter (nil: none but their own public
    /// and partner ones).
    public static func internalOwners(_ actor: AccessActor, on day: CalendarDate) -> ListScope? {
        Policy.readableOwners(actor, service: .works, on: day)
    }
}
