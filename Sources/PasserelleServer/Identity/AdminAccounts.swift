import Fluent
import Foundation
import PasserelleCore
import Vapor

/// An administrator made from the command line — the first one of a new instance, or one more:
/// `passerelle admin create --email … --name …`. The person gets the administrator role in a
/// ministry unit (the BCAM unless told otherwise) and either a one-time link to choose a password
/// (a week, as an invitation) or the password read from standard input. Journaled as
/// `system:admin-create`, in one transaction.
enum AdminAccounts {
    enum Refusal: Error, Equatable {
        case invalidEmail
        case nameRequired
        case exists
        case unknownUnit(String)
        case weakPassword([String])

        /// The message, in the operator's language.
        func message(_ l: Localizer) -> String {
            switch self {
            case .invalidEmail: l("cli.admin.error.email")
            case .nameRequired: l("cli.admin.error.name")
            case .exists: l("cli.admin.error.exists")
            case .unknownUnit(let code): l("cli.admin.error.unit", ["code": code])
            case .weakPassword(let keys): l("cli.admin.error.password", ["rules": keys.map { l($0) }.joined(separator: " ")])
            }
        }
    }

    struct Created: Sendable {
        let person: PersonModel
        /// The link to choose a password, when none was given.
        let link: String?
    }

    static func create(email raw: String, name raw_name: String, unit code: String = "unite-bcam", password: String?,
                       language: Language = .frCA, app: Application) async throws -> Created {
        let email = PersonModel.normalized(raw)
        let name = raw_name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard OrganisationPages.plausibleEmail(email) else { throw Refusal.invalidEmail }
        guard !name.isEmpty, name.count <= 200 else { throw Refusal.nameRequired }
        if let password {
            let problems = Passwords.problems(password, email: email)
            if !problems.isEmpty { throw Refusal.weakPassword(problems) }
        }
        guard let unit = try await OrganisationModel.query(on: app.db).filter(\.$code == code).first(),
              unit.kind == .ministryUnit, unit.active else { throw Refusal.unknownUnit(code) }
        let hash: String? = if let password { try await Passwords.hash(password, on: app) } else { nil }
        let caller = Caller(application: app, currentUser: nil, auditActor: .system("admin-create"), language: language)
        return try await app.write { db in
            // Checked again inside the change: two operators at once make one account.
            if try await PersonModel.query(on: db).filter(\.$email == email).first() != nil { throw Refusal.exists }
            let person = PersonModel(email: email, displayName: name, passwordHash: hash, language: language)
            try await person.create(on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "person.create", recordType: "person",
                                   recordID: try person.requireID().uuidString,
                                   changes: ["email": .init(before: nil, after: email), "display_name": .init(before: nil, after: name),
                                             "password": .init(before: nil, after: hash == nil ? "link" : "set")])
            try await AccessChanges.grant(.administrator, to: person, in: unit, as: caller, on: db, notify: false)
            guard hash == nil else { return Created(person: person, link: nil) }
            let token = try await OneTimeLinks.issue(.invitation, for: person, by: nil, on: db)
            return Created(person: person, link: OneTimeLinks.url(token, settings: app.settings))
        }
    }
}
