import Fluent
import PasserelleCore
import Vapor

/// Demonstration accounts, one per kind of user, all with the same password (printed): never for
/// production. At scale N, N contributors per municipality of the demo list.
struct PeopleDemoGenerator: DemoGenerator {
    static let password = "Passerelle-demo-2026"
    var name: String { "personnes" }

    static let accounts: [(email: String, name: String, organisation: String, role: Role)] = [
        ("admin@passerelle.demo", "Alex Administrateur", "unite-bcam", .administrator),
        ("coordination@passerelle.demo", "Camille Coordination", "unite-bcam", .bcamCoordinator),
        ("agent.est@passerelle.demo", "Émile Agent", "unite-dgt-est", .liaisonAgent),
        ("finances@passerelle.demo", "Françoise Finances", "unite-finances", .financeOfficer(spendingLimitCents: 50_000_000)),
        ("rse@riviere-du-loup.demo", "Rosalie RSÉ", "mun-12072", .rse),
        ("greffe@abercorn.demo", "Gabriel Greffe", "mun-46005", .contributor(.requests)),
    ]

    func generate(scale: Int, app: Application) async throws -> String {
        let hash = try await Passwords.hash(Self.password, on: app)
        var wanted = Self.accounts
        for index in 1..<max(1, scale) {
            wanted.append(("contributeur\(index)@riviere-du-loup.demo", "Contributeur \(index)", "mun-12072",
                           .contributor(.requests)))
        }
        let accounts = wanted
        let made = try await app.db.transaction { db -> Int in
            var made = 0
            for account in accounts {
                guard try await PersonModel.query(on: db).filter(\.$email == account.email).first() == nil,
                      let organisation = try await OrganisationModel.query(on: db).filter(\.$code == account.organisation).first()
                else { continue }
                let person = PersonModel(email: account.email, displayName: account.name, passwordHash: hash)
                try await person.create(on: db)
                try await MembershipModel(personID: try person.requireID(), organisationID: try organisation.requireID(),
                                          role: account.role).create(on: db)
                try await Audit.record(on: db, actor: .system("seed-demo"), action: "person.create", recordType: "person",
                                       recordID: try person.requireID().uuidString,
                                       changes: ["email": AuditChange(before: nil, after: account.email)])
                made += 1
            }
            return made
        }
        return "\(made) compte(s) de démonstration (mot de passe : \(Self.password)) : "
            + Self.accounts.map(\.email).joined(separator: ", ")
    }
}
