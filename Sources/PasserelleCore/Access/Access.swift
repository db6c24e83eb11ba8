import Foundation

/// The services of a municipality for which rights are granted separately.
public enum Service: String, CaseIterable, Codable, Sendable {
    case requests       // demandes municipales
    case grants         // aide financière (SGAF)
    case works          // interventions et travaux
    case surveys        // sondages
}

public enum OrganisationKind: String, CaseIterable, Codable, Sendable {
    case municipality, mrc, ministryUnit, partner
}

/// What a person may be in an organisation. Ministry roles hold across services; municipal roles
/// are per service, except the RSÉ, who manages every service of the municipality.
public enum Role: Hashable, Codable, Sendable {
    // ministry
    case administrator
    case bcamCoordinator
    case liaisonAgent
    case analyst
    case programManager
    case evaluator
    /// May approve payments up to this many cents.
    case financeOfficer(spendingLimitCents: Int64)
    case manager
    // municipal
    case rse
    case accessManager(Service)
    case contributor(Service)
    case reader(Service)

    public var isMinistry: Bool {
        switch self {
        case .administrator, .bcamCoordinator, .liaisonAgent, .analyst, .programManager, .evaluator, .financeOfficer, .manager:
            true
        case .rse, .accessManager, .contributor, .reader:
            false
        }
    }
}

public struct Membership: Hashable, Codable, Sendable {
    public let organisationID: UUID
    public let kind: OrganisationKind
    public let role: Role

    public init(organisationID: UUID, kind: OrganisationKind, role: Role) {
        self.organisationID = organisationID
        self.kind = kind
        self.role = role
    }
}

/// A firm's person acting for a municipality on named services until an end date, granted by the
/// RSÉ and revocable at once.
public struct Mandate: Hashable, Codable, Sendable {
    public let municipalityID: UUID
    public let services: Set<Service>
    public let endsOn: CalendarDate
    public let revoked: Bool

    public init(municipalityID: UUID, services: Set<Service>, endsOn: CalendarDate, revoked: Bool = false) {
        self.municipalityID = municipalityID
        self.services = services
        self.endsOn = endsOn
        self.revoked = revoked
    }

    /// In force through its end date, unless revoked.
    public func isInForce(on day: CalendarDate) -> Bool { !revoked && day <= endsOn }
}

/// Someone acting: a person with memberships and mandates (an API token narrows them to one
/// organisation and its scopes before it gets here), or nobody.
public struct AccessActor: Sendable {
    public let personID: UUID?
    public let memberships: [Membership]
    public let mandates: [Mandate]

    public init(personID: UUID?, memberships: [Membership] = [], mandates: [Mandate] = []) {
        self.personID = personID
        self.memberships = memberships
        self.mandates = mandates
    }

    public static let anonymous = AccessActor(personID: nil)
}

public enum Action: String, CaseIterable, Codable, Sendable {
    case read, create, update, manageAccess, readJournal, administer
}

/// What an action is about.
public struct Resource: Sendable {
    /// Public reference data (the territory directory): anyone may read it.
    public var isPublic: Bool
    /// The service it belongs to, when it belongs to one.
    public var service: Service?
    /// The municipality (or MRC) whose record it is; nil for the ministry's own records.
    public var ownerID: UUID?

    public init(isPublic: Bool = false, service: Service? = nil, ownerID: UUID? = nil) {
        self.isPublic = isPublic
        self.service = service
        self.ownerID = ownerID
    }

    public static let publicData = Resource(isPublic: true)
}

public enum Decision: Equatable, Sendable {
    case allow
    case deny(DenialReason)
}

public enum DenialReason: String, Sendable {
    case notSignedIn, otherOrganisation, missingRole, mandateEnded
}
