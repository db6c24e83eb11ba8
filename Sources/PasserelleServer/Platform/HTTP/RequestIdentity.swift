import Foundation
import PasserelleCore
import Vapor

/// Who is behind a request: a person through a session cookie, or a system through an API token
/// (narrowed to the token's organisation and scopes). Read once per request.
struct CurrentUser: Sendable {
    let personID: UUID
    let email: String
    let displayName: String
    let language: String
    let sessionID: UUID?
    /// The session's CSRF token; nil for an API token (no cookie, nothing to forge).
    let csrfToken: String?
    let memberships: [Membership]
    let mandates: [Mandate]
    let tokenID: UUID?
    let tokenOrganisationID: UUID?
    let scopes: Set<Scope>?
    /// The organisations each of the person's territorial directorates serves (see `MinistryTerritories`).
    var territories: [UUID: Set<UUID>] = [:]
    /// One of the person's organisations has bilingual status (section 29.1 of the Charter of the
    /// French language): the browser's `Accept-Language` may choose English.
    var bilingualStatus = false

    /// A demo account (`…@….demo`, made by `seed-demo`): it never signs in to a production instance.
    var isDemo: Bool { email.hasSuffix(".demo") }

    var accessActor: AccessActor {
        let actor = AccessActor(personID: personID, memberships: memberships, mandates: mandates, territories: territories)
        if let tokenOrganisationID, let scopes { return actor.narrowed(to: tokenOrganisationID, scopes: scopes) }
        return actor
    }
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }
    private struct ActingOrganisationKey: StorageKey { typealias Value = UUID }

    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// The organisation the request acts on (set by the route's policy), for the journal.
    var actingOrganisationID: UUID? {
        get { storage[ActingOrganisationKey.self] ?? currentUser?.tokenOrganisationID }
        set { storage[ActingOrganisationKey.self] = newValue }
    }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// The actor the policy judges.
    var accessActor: AccessActor { currentUser?.accessActor ?? .anonymous }

    /// Who acts, for the audit journal.
    var auditActor: AuditActor {
        AuditActor(personID: currentUser?.personID, organisationID: actingOrganisationID, sessionID: currentUser?.sessionID,
                   tokenID: currentUser?.tokenID, label: currentUser?.email ?? "anonymous", requestID: requestID,
                   clientAddress: clientAddress)
    }
}
