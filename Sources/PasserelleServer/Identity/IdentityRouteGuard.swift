import Foundation
import PasserelleCore
import Vapor

extension Request {
    private struct OrganisationKey: StorageKey { typealias Value = OrganisationModel }

    /// The organisation of an `.organisation` route, loaded and judged by the guard.
    var organisation: OrganisationModel? {
        get { storage[OrganisationKey.self] }
        set { storage[OrganisationKey.self] = newValue }
    }

    func requireOrganisation() throws -> OrganisationModel {
        guard let organisation else { throw Problem.notFound() }
        return organisation
    }
}

/// Judges each request against its route's policy (`routes.swift`): who is signed in, on which
/// organisation or record, with which token. Called by the session middleware once it knows who
/// is behind the request.
enum RouteGuard {
    static func check(_ request: Request) async throws {
        guard let route = request.route else { return }
        guard let policy = route.policy else {
            request.logger.error("route without a policy: \(route.method) \(route.path.string)")
            throw Problem(.forbidden, code: "forbidden", key: "problem.forbidden")
        }
        try await check(request, policy: policy)
    }

    static func check(_ request: Request, policy: RoutePolicy) async throws {
        switch policy {
        case .open:
            return
        case .signedIn:
            guard request.currentUser != nil else { throw SignInRequired() }
        case .organisation(let action, let service, let parameter):
            guard request.currentUser != nil else { throw SignInRequired() }
            guard let code = request.parameters.get(parameter),
                  let organisation = try await request.application.organisationCache.find(code: code, on: request.db)
            else { throw Problem.notFound() }
            request.organisation = organisation
            request.actingOrganisationID = organisation.id
            try request.authorize(action, Resource(service: service, ownerID: organisation.id))
        case .ministry(let action, let service):
            guard request.currentUser != nil else { throw SignInRequired() }
            try request.authorize(action, Resource(service: service, ownerID: nil))
        case .record(let action, let service, let owner):
            guard request.currentUser != nil else { throw SignInRequired() }
            guard let record = try await owner(request) else { throw Problem.notFound() }
            request.actingOrganisationID = record.ownerID
            try request.authorize(action, record.resource(service))
        case .apiKey(let action, let service):
            if request.currentUser?.tokenID == nil {
                request.currentUser = nil
                let key = request.query[String.self, at: "api_key"]
                    ?? (request.method == .POST ? (try? request.content.get(String.self, at: "api_key")) : nil)
                if let key, !key.isEmpty {
                    let cache = request.application.credentialCache
                    let db = request.db
                    request.currentUser = try await cache.resolve("t:" + key, on: request.eventLoop) {
                        try await Sessions.resolve(apiToken: key, on: db)
                    }.get()
                }
            }
            guard let user = request.currentUser, user.tokenID != nil, let owner = user.tokenOrganisationID else {
                throw Problem(.forbidden, code: "invalid_api_key", key: "open311.error.api_key")
            }
            request.actingOrganisationID = owner
            try request.authorize(action, Resource(service: service, ownerID: owner))
        }
    }
}
