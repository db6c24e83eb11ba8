import Fluent
import Foundation
import PasserelleCore

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
