import Fluent
import Foundation
import SQLKit
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

enum IdentityFixtures {
    static let password = "Passerelle-essai-2026"

    @discardableResult
    static func person(_ email: String, on app: Application, roles: [(String, Role)] = []) async throws -> PersonModel {
        let person = PersonModel(email: email, displayName: "Personne d'essai",
                                 passwordHash: try await Passwords.hash(password, on: app))
        try await person.create(on: app.db)
        for (code, role) in roles {
            let organisation = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == code).first())
            try await MembershipModel(personID: try person.requireID(), organisationID: try organisation.requireID(), role: role)
                .create(on: app.db)
        }
        return person
    }
}
