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
        ("rse@abercorn.demo", "Annie RSÉ", "mun-46005", .rse),
        ("gestion@passerelle.demo", "Gaston Gestion", "unite-bcam", .manager),
        ("programmes@passerelle.demo", "Paule Programmes", "unite-soutien", .programManager),
        ("evaluation@passerelle.demo", "Évelyne Évaluation", "unite-soutien", .evaluator),
        ("direction.finances@passerelle.demo", "Denis Direction des finances", "unite-finances",
         .financeOfficer(spendingLimitCents: 5_000_000_00)),
        ("greffe@actonvale.demo", "Antoine Greffe", "mun-48028", .contributor(.grants)),
    ]

    /// A firm's person acting for Abercorn on requests and financial aid, granted by its RSÉ.
    static let mandataire = (email: "firme@conseil.demo", name: "Mathieu Mandataire", firm: "Conseil municipal démo inc.",
                             organisation: "mun-46005", services: "grants requests")

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
            let m = Self.mandataire
            if try await PersonModel.query(on: db).filter(\.$email == m.email).first() == nil,
               let organisation = try await OrganisationModel.query(on: db).filter(\.$code == m.organisation).first() {
                let person = PersonModel(email: m.email, displayName: m.name, passwordHash: hash)
                try await person.create(on: db)
                let mandate = MandateModel()
                mandate.$person.id = try person.requireID()
                mandate.$organisation.id = try organisation.requireID()
                mandate.grantedBy = try person.requireID()
                mandate.firm = m.firm
                mandate.services = m.services
                let inAYear = CalendarDate(Date().addingTimeInterval(365 * 86_400), timeZone: CalendarDate.quebecTimeZone)
                mandate.endsOn = inAYear.iso
                try await mandate.create(on: db)
                try await Audit.record(on: db, actor: .system("seed-demo"), action: "mandate.grant", recordType: "mandate",
                                       recordID: try mandate.requireID().uuidString,
                                       changes: ["person": AuditChange(before: nil, after: m.email),
                                                 "ends_on": AuditChange(before: nil, after: mandate.endsOn)])
                made += 1
            }
            return made
        }
        return "\(made) compte(s) de démonstration (mot de passe : \(Self.password)) : "
            + (Self.accounts.map(\.email) + [Self.mandataire.email]).joined(separator: ", ")
    }
}
