import Fluent
import Foundation
import PasserelleCore
import Vapor

/// What a route asks of whoever calls it. Every route declares one (`.policy(…)` after
/// registering it); a route without one answers 403 to everybody, and the policy-matrix test fails
/// on it. The decision itself is `Policy.decide` in `PasserelleCore/Access`.
enum RoutePolicy: Sendable {
    /// Anyone: public reference data, the sign-in forms, operations.
    case open
    /// Any signed-in person, acting on their own account.
    case signedIn
    /// A record of the organisation whose code is the path parameter.
    case organisation(Action, Service?, parameter: String = "code")
    /// The ministry's own records (no municipality owns them).
    case ministry(Action, Service? = nil)
    /// A record of a module: `owner` loads the organisation that owns it, with the unit and the people
    /// it is assigned to (nil: not found).
    case record(Action, Service, owner: @Sendable (Request) async throws -> RecordOwner?)
    /// A system acting with an API token of its organisation, given as `Authorization: Bearer` or
    /// as an `api_key` parameter (Open311): the action is judged on the token's organisation.
    case apiKey(Action, Service)

    static let key = "passerelle.policy"

    var isOpen: Bool { if case .open = self { true } else { false } }

    /// What a refusal of the policy answers.
    static func problem(for reason: DenialReason) -> any Error {
        switch reason {
        case .notSignedIn: SignInRequired()
        case .mandateEnded: Problem(.forbidden, code: "mandate_ended", key: "problem.mandate_ended")
        case .missingScope: Problem(.forbidden, code: "insufficient_scope", key: "problem.missing_scope")
        case .otherOrganisation, .missingRole, .outsideTerritory, .notAssigned: Problem(.forbidden, code: "forbidden", key: "problem.forbidden")
        }
    }
}

extension Route {
    /// Declares the route's policy.
    @discardableResult
    func policy(_ policy: RoutePolicy) -> Route {
        userInfo[RoutePolicy.key] = policy
        return self
    }

    var policy: RoutePolicy? { userInfo[RoutePolicy.key] as? RoutePolicy }
}

/// Thrown when a route needs someone signed in: a page sends the browser to the sign-in form, the
/// API answers 401.
struct SignInRequired: Error {}

extension Request {
    /// Judges one more action inside a handler (each grant of a role, each record of a list).
    func authorize(_ action: Action, _ resource: Resource) throws {
        if case .deny(let reason) = Policy.decide(accessActor, action, resource, on: .today) {
            throw RoutePolicy.problem(for: reason)
        }
    }

    func allows(_ action: Action, _ resource: Resource) -> Bool {
        Policy.allows(accessActor, action, resource, on: .today)
    }
}

/// Whose a record is, as the policy judges it: its owner, the ministry unit it is assigned to, the
/// people assigned to it and those who declared a conflict with its owner.
struct RecordOwner: Sendable {
    var ownerID: UUID
    var unitID: UUID? = nil
    var assignees: Set<UUID>? = nil
    var excluded: Set<UUID> = []

    func resource(_ service: Service) -> Resource {
        Resource(service: service, ownerID: ownerID, unitID: unitID, assignees: assignees, excluded: excluded)
    }
}
