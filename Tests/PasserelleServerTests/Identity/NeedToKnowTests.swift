import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Ministry staff see what their role needs: a territorial directorate the municipalities of its
/// regions and what is assigned to it; the BCAM everything.
@Suite struct NeedToKnowTests {
    static let rdl = "mun-12072"        // Rivière-du-Loup, Bas-Saint-Laurent (01): the Est directorate's
    static let abercorn = "mun-46005"   // Abercorn, Montérégie (16): not the Est directorate's

    /// A request of the organisation with one attachment, filed as its RSÉ would (no HTTP).
    static func file(_ code: String, title: String, app: Application) async throws -> (number: String, attachment: UUID) {
        let person = try await IdentityFixtures.person("rse-\(code)-\(title.count)@test.test", on: app, roles: [(code, .rse)])
        let organisation = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == code).first())
        let user = CurrentUser(personID: try person.requireID(), email: person.email, displayName: person.displayName, language: "fr-CA",
                               sessionID: nil, csrfToken: nil,
                               memberships: [Membership(organisationID: try organisation.requireID(), kind: .municipality, role: .rse)],
                               mandates: [], tokenID: nil, tokenOrganisationID: nil, scopes: nil)
        let caller = Caller(application: app, currentUser: user, auditActor: AuditActor(personID: user.personID, label: user.email))
        let type = try #require(try await app.requestTypes.all(on: app.db).first { $0.active && !$0.resolutionRequired && $0.fields.isEmpty })
        let blob = FileStore.Blob(sha256: String(repeating: "a", count: 64), filename: "plan.pdf", kind: "pdf", size: 10, field: nil)
        let folder = FileStore.folder(app).appendingPathComponent("aa")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("%PDF-1.4\n".utf8).write(to: folder.appendingPathComponent(blob.sha256))
        let filed = try await app.write { db -> (String, UUID) in
            let model = try await Requests.file(Requests.Filing(type: type, title: title, details: "Détails"), for: organisation,
                                                as: caller, on: db)
            let stored = try await Attachments.join([blob], to: model, shared: true, as: caller, on: db)
            return (model.number, try #require(stored.first?.id))
        }
        return filed
    }

    @Test func aDirectorateSeesItsRegionsAndWhatIsAssignedToItTheBCAMEverything() async throws {
        try await withPasserelle { app in
            // setup: a request of Rivière-du-Loup, two of Abercorn (one later assigned to the Est directorate)
            let inside = try await Self.file(Self.rdl, title: "Traverse d'écoliers", app: app)
            let outside = try await Self.file(Self.abercorn, title: "Feu clignotant", app: app)
            let assigned = try await Self.file(Self.abercorn, title: "Dos d'âne allongé", app: app)
            let est = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == "unite-dgt-est").first())
            try await app.db.sql.update(RequestModel.schema).set("unit_id", to: SQLBind(try est.requireID()))
                .where("number", .equal, SQLBind(assigned.number)).run()
            try await IdentityFixtures.person("agent.est@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            try await IdentityFixtures.person("coordination@mtmd.test", on: app, roles: [("unite-bcam", .bcamCoordinator)])
            let agent = Browser(app), bcam = Browser(app)
            try await agent.signIn("agent.est@mtmd.test")
            try await bcam.signIn("coordination@mtmd.test")

            // act
            let agentInside = try await agent.send(.GET, "/demandes/\(inside.number)")
            let agentOutside = try await agent.send(.GET, "/demandes/\(outside.number)")
            let agentOutsideFile = try await agent.send(.GET, "/demandes/\(outside.number)/pieces/\(outside.attachment)")
            let agentOutsideAPI = try await agent.send(.GET, "/api/v1/demandes/\(outside.number)")
            let agentAssigned = try await agent.send(.GET, "/demandes/\(assigned.number)")
            let agentList = try await agent.send(.GET, "/api/v1/demandes")
            let bcamList = try await bcam.send(.GET, "/api/v1/demandes")

            // validate: its region and its unit's file, nothing else, in the pages, the files and the API
            #expect(agentInside.status == .ok)
            #expect(agentOutside.status == .forbidden && agentOutsideFile.status == .forbidden && agentOutsideAPI.status == .forbidden)
            #expect(agentAssigned.status == .ok)
            let listed = Set(((try agentList.json() as? [[String: Any]]) ?? []).compactMap { $0["numero"] as? String })
            #expect(listed == [inside.number, assigned.number])
            let all = Set(((try bcamList.json() as? [[String: Any]]) ?? []).compactMap { $0["numero"] as? String })
            #expect(all == [inside.number, outside.number, assigned.number])
            #expect(try await bcam.send(.GET, "/demandes/\(outside.number)").status == .ok)
            // Opening a file is journaled (Loi 25); a refused opening is not an opening.
            _ = try await bcam.send(.GET, "/demandes/\(outside.number)/pieces/\(outside.attachment)")
            let reads = try await AuditEventModel.query(on: app.db).filter(\.$action == "requests.attachment.read").all()
            #expect(reads.map(\.actorLabel) == ["coordination@mtmd.test"] && reads.first?.recordID == outside.number)
        }
    }

    @Test func thePolicyNamesWhyStaffAreRefused() {
        // setup: an agent of the Est directorate, an evaluator, a finance officer
        let est = UUID(), bcam = UUID(), rdl = UUID(), abercorn = UUID(), person = UUID()
        let agent = AccessActor(personID: person, memberships: [Membership(organisationID: est, kind: .ministryUnit, role: .liaisonAgent)],
                                territories: [est: [rdl]])
        let evaluator = AccessActor(personID: person, memberships: [Membership(organisationID: bcam, kind: .ministryUnit, role: .evaluator)])
        let finance = AccessActor(personID: person, memberships: [
            Membership(organisationID: bcam, kind: .ministryUnit, role: .financeOfficer(spendingLimitCents: 1))])

        // act and validate
        #expect(Policy.decide(agent, .read, Resource(service: .requests, ownerID: rdl), on: .today) == .allow)
        #expect(Policy.decide(agent, .read, Resource(service: .requests, ownerID: abercorn), on: .today) == .deny(.outsideTerritory))
        #expect(Policy.decide(agent, .update, Resource(service: .requests, ownerID: abercorn), on: .today) == .deny(.outsideTerritory))
        #expect(Policy.decide(agent, .read, Resource(service: .requests, ownerID: abercorn, unitID: est), on: .today) == .allow)
        #expect(Policy.readableOwners(agent, service: .requests, on: .today) == .territory(owners: [rdl], units: [est]))
        #expect(Policy.decide(evaluator, .read, Resource(service: .grants, ownerID: abercorn, assignees: []), on: .today)
            == .deny(.notAssigned))
        #expect(Policy.decide(evaluator, .read, Resource(service: .grants, ownerID: abercorn, assignees: [person]), on: .today) == .allow)
        #expect(Policy.decide(evaluator, .read, Resource(service: .grants, ownerID: abercorn, assignees: [person], excluded: [person]),
                              on: .today) == .deny(.notAssigned))
        #expect(Policy.readableOwners(evaluator, service: .grants, on: .today) == .assigned(person))
        #expect(Policy.decide(finance, .read, Resource(service: .grants, ownerID: abercorn), on: .today) == .allow)
        // A program manager of a directorate reads every file of financial aid, and only its regions' requests.
        let manager = AccessActor(personID: person, memberships: [Membership(organisationID: est, kind: .ministryUnit, role: .programManager)],
                                  territories: [est: [rdl]])
        #expect(Policy.decide(manager, .read, Resource(service: .grants, ownerID: abercorn), on: .today) == .allow)
        #expect(Policy.decide(manager, .read, Resource(service: .requests, ownerID: abercorn), on: .today) == .deny(.outsideTerritory))
    }
}
