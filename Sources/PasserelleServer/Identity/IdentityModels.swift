import Fluent
import Foundation
import PasserelleCore

/// A municipality, an MRC, a unit of the ministry or a partner body: who people act for.
final class OrganisationModel: Model, @unchecked Sendable {
    static let schema = "organisations"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    // reference fields
    /// The municipality's geographic code or the MRC's code, for organisations of the territory.
    @OptionalField(key: "territory_code") var territoryCode: String?

    // data fields
    /// Stable and readable: `mun-12072`, `mrc-120`, `unite-bcam`, `partenaire-cmm`.
    @Field(key: "code") var code: String
    @Enum(key: "kind") var kind: OrganisationKind
    @Field(key: "name") var name: String
    @Field(key: "language") var language: String
    @Field(key: "active") var active: Bool

    init() {}

    init(code: String, kind: OrganisationKind, name: String, territoryCode: String? = nil, language: Language = .frCA) {
        self.code = code
        self.kind = kind
        self.name = name
        self.territoryCode = territoryCode
        self.language = language.rawValue
        self.active = true
        self.version = 1
    }
}

final class PersonModel: Model, @unchecked Sendable {
    static let schema = "people"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    // data fields
    /// Lower case, trimmed: one account per address.
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    /// Bcrypt; nil until the person sets a password (invitation) or for single sign-on only.
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Field(key: "language") var language: String
    @Field(key: "active") var active: Bool

    init() {}

    init(email: String, displayName: String, passwordHash: String?, language: Language = .frCA) {
        self.email = PersonModel.normalized(email)
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.language = language.rawValue
        self.active = true
        self.version = 1
    }

    static func normalized(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// A person's role in an organisation, for a service where the role is per service.
final class MembershipModel: Model, @unchecked Sendable {
    static let schema = "memberships"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    // data fields
    @Field(key: "role") var role: String
    @OptionalField(key: "service") var service: String?
    @OptionalField(key: "spending_limit_cents") var spendingLimitCents: Int64?

    init() {}

    init(personID: UUID, organisationID: UUID, role: Role) {
        self.$person.id = personID
        self.$organisation.id = organisationID
        (self.role, self.service, self.spendingLimitCents) = MembershipModel.columns(of: role)
    }

    static func columns(of role: Role) -> (String, String?, Int64?) {
        switch role {
        case .administrator: ("administrator", nil, nil)
        case .bcamCoordinator: ("bcam_coordinator", nil, nil)
        case .liaisonAgent: ("liaison_agent", nil, nil)
        case .analyst: ("analyst", nil, nil)
        case .programManager: ("program_manager", nil, nil)
        case .evaluator: ("evaluator", nil, nil)
        case .financeOfficer(let limit): ("finance_officer", nil, limit)
        case .manager: ("manager", nil, nil)
        case .rse: ("rse", nil, nil)
        case .accessManager(let service): ("access_manager", service.rawValue, nil)
        case .contributor(let service): ("contributor", service.rawValue, nil)
        case .reader(let service): ("reader", service.rawValue, nil)
        }
    }

    /// The role these columns hold; nil for a row no version of Passerelle wrote.
    var decodedRole: Role? { Self.role(name: role, service: service, spendingLimitCents: spendingLimitCents) }

    static let ministryRoleNames = ["administrator", "bcam_coordinator", "liaison_agent", "analyst", "program_manager",
                                    "evaluator", "finance_officer", "manager"]
    static let municipalRoleNames = ["rse", "access_manager", "contributor", "reader"]

    static func role(name role: String, service serviceName: String?, spendingLimitCents: Int64?) -> Role? {
        let service = serviceName.flatMap(Service.init(rawValue:))
        switch role {
        case "administrator": return .administrator
        case "bcam_coordinator": return .bcamCoordinator
        case "liaison_agent": return .liaisonAgent
        case "analyst": return .analyst
        case "program_manager": return .programManager
        case "evaluator": return .evaluator
        case "finance_officer": return .financeOfficer(spendingLimitCents: spendingLimitCents ?? 0)
        case "manager": return .manager
        case "rse": return .rse
        case "access_manager": return service.map(Role.accessManager)
        case "contributor": return service.map(Role.contributor)
        case "reader": return service.map(Role.reader)
        default: return nil
        }
    }
}

/// A signed-in browser. The cookie holds a random token; the database holds only its hash, so a
/// copy of the database signs nobody in. Shared by every app instance.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel

    // data fields
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "client_address") var clientAddress: String?
    @OptionalField(key: "user_agent") var userAgent: String?

    init() {}
}

/// One attempt to sign in, kept to throttle guessing per account and per address.
final class SignInAttemptModel: Model, @unchecked Sendable {
    static let schema = "sign_in_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "attempted_at") var attemptedAt: Date
    @Field(key: "succeeded") var succeeded: Bool

    init() {}

    init(email: String, clientAddress: String, attemptedAt: Date, succeeded: Bool) {
        self.email = email
        self.clientAddress = clientAddress
        self.attemptedAt = attemptedAt
        self.succeeded = succeeded
    }
}
