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

/// What an API token may do: read, or read and write, in one service. Written `requests:read`,
/// `grants:write`.
public struct Scope: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Level: String, Codable, Sendable, CaseIterable { case read, write }
    public let service: Service
    public let level: Level

    public init(_ service: Service, _ level: Level) {
        self.service = service
        self.level = level
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let service = Service(rawValue: String(parts[0])),
              let level = Level(rawValue: String(parts[1])) else { return nil }
        self.init(service, level)
    }

    public var description: String { "\(service.rawValue):\(level.rawValue)" }

    public static var all: [Scope] { Service.allCases.flatMap { s in Level.allCases.map { Scope(s, $0) } } }

    /// `requests:read grants:write` → scopes; nil when one word is not a scope.
    public static func parse(_ text: String) -> Set<Scope>? {
        var result = Set<Scope>()
        for word in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let scope = Scope(String(word)) else { return nil }
            result.insert(scope)
        }
        return result
    }

    public static func text(_ scopes: Set<Scope>) -> String { scopes.map(\.description).sorted().joined(separator: " ") }
}

/// Someone acting: a person with memberships and mandates, or nobody. An API token narrows them to
/// one organisation and gives its scopes.
public struct AccessActor: Sendable {
    public let personID: UUID?
    public let memberships: [Membership]
    public let mandates: [Mandate]
    /// Nil for a person signed in; the token's scopes for a system.
    public let scopes: Set<Scope>?
    /// For each of the person's ministry units that serves regions (a territorial directorate), the
    /// municipalities and MRC of those regions. A unit absent from it serves the whole province.
    public let territories: [UUID: Set<UUID>]

    public init(personID: UUID?, memberships: [Membership] = [], mandates: [Mandate] = [], scopes: Set<Scope>? = nil,
                territories: [UUID: Set<UUID>] = [:]) {
        self.personID = personID
        self.memberships = memberships
        self.mandates = mandates
        self.scopes = scopes
        self.territories = territories
    }

    public static let anonymous = AccessActor(personID: nil)

    /// What a token created for one organisation may use of its person's rights.
    public func narrowed(to organisationID: UUID, scopes: Set<Scope>) -> AccessActor {
        AccessActor(personID: personID, memberships: memberships.filter { $0.organisationID == organisationID },
                    mandates: mandates.filter { $0.municipalityID == organisationID }, scopes: scopes, territories: territories)
    }

    public var isMinistry: Bool { memberships.contains { $0.role.isMinistry } }
    public var isAdministrator: Bool { memberships.contains { $0.role == .administrator } }
}

/// Whose records a list may hold: everyone's, or only these organisations'. Lists put it in their
/// SQL `WHERE`, never filter after loading.
public enum ListScope: Equatable, Sendable {
    case all
    case only(Set<UUID>)
    /// A territorial directorate's: the records of these owners, and those assigned to these units.
    case territory(owners: Set<UUID>, units: Set<UUID>)
    /// An evaluator's: the applications this person is assigned to (and has no conflict with).
    case assigned(UUID)

    public func contains(_ owner: UUID?) -> Bool {
        switch self {
        case .all: true
        case .only(let owners), .territory(let owners, _): owner.map(owners.contains) ?? false
        case .assigned: false
        }
    }
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
    /// The ministry unit the record is assigned to (a request's), if any.
    public var unitID: UUID?
    /// The people assigned to it (an application's evaluators); nil for a record nobody is assigned to.
    public var assignees: Set<UUID>?
    /// The people who declared a conflict of interest with its owner: never shown it.
    public var excluded: Set<UUID>

    public init(isPublic: Bool = false, service: Service? = nil, ownerID: UUID? = nil, unitID: UUID? = nil,
                assignees: Set<UUID>? = nil, excluded: Set<UUID> = []) {
        self.isPublic = isPublic
        self.service = service
        self.ownerID = ownerID
        self.unitID = unitID
        self.assignees = assignees
        self.excluded = excluded
    }

    public static let publicData = Resource(isPublic: true)
}

public enum Decision: Equatable, Sendable {
    case allow
    case deny(DenialReason)
}

public enum DenialReason: String, Sendable {
    case notSignedIn, otherOrganisation, missingRole, mandateEnded, missingScope
    /// A territorial directorate's staff, on a municipality outside its regions.
    case outsideTerritory
    /// An evaluator, on an application not assigned to them (or of an organisation they declared a conflict with).
    case notAssigned
}
