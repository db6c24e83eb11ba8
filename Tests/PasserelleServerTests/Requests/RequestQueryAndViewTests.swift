import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The guichet's queries (the list, the filing check) and a view, called with plain values.
@Suite struct RequestQueryAndViewTests {
    @Test func nobodySignedInReadsNoRequestAndABadStatusIsNamed() async throws {
        try await withPasserelle { app in
            // setup
            let types = try await app.requestTypes.all(on: app.db)

            // act
            let anonymous = try await RequestQueries.list(RequestQueries.Filter(), types: types, actor: .anonymous,
                                                          workingDays: app.workingDays, on: app.db)

            // validate
            #expect(anonymous == nil)
            let ministry = AccessActor(personID: UUID(), memberships: [
                Membership(organisationID: UUID(), kind: .ministryUnit, role: .administrator)])
            var filter = RequestQueries.Filter()
            filter.status = "perdue"
            await #expect(throws: Problem.self) {
                _ = try await RequestQueries.list(filter, types: types, actor: ministry, workingDays: app.workingDays, on: app.db)
            }
        }
    }

    @Test func aFilingIsCheckedFieldByField() async throws {
        try await withPasserelle { app in
            // setup
            let types = try await app.requestTypes.all(on: app.db).filter(\.active)
            var form = RequestQueries.FilingForm()
            form.type = types.first { !$0.resolutionRequired }?.code
            form.latitude = "10"
            form.longitude = "-70"

            // act
            let (filing, errors) = RequestQueries.validate(form, types: types)

            // validate
            #expect(filing == nil)
            let fields = Set(errors.map(\.field))
            #expect(fields.isSuperset(of: ["title", "description", "latitude"]))
            #expect(!fields.contains("longitude"))
        }
    }

    @Test func aRequestIsFiledWithoutAnHTTPRequestAndJournaledUnderItsCaller() async throws {
        try await withPasserelle { app in
            // setup: the RSÉ of Rivière-du-Loup, as a command or a job would name them
            let person = try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [("mun-12072", .rse)])
            let organisation = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == "mun-12072").first())
            let user = CurrentUser(personID: try person.requireID(), email: person.email, displayName: person.displayName,
                                   language: "fr-CA", sessionID: nil, csrfToken: nil,
                                   memberships: [Membership(organisationID: try organisation.requireID(), kind: .municipality, role: .rse)],
                                   mandates: [], tokenID: nil, tokenOrganisationID: nil, scopes: nil)
            let caller = Caller(application: app, currentUser: user, auditActor: AuditActor(personID: user.personID, label: user.email))
            let type = try #require(try await app.requestTypes.all(on: app.db).first { $0.active && !$0.resolutionRequired && $0.fields.isEmpty })
            let filing = Requests.Filing(type: type, title: "Feu de circulation à la sortie de l'école", details: "Les enfants traversent sans feu.")

            // act
            let filed = try await app.write { db in try await Requests.file(filing, for: organisation, as: caller, on: db) }

            // validate: the request, its first step and its follower, and the journal names the caller
            let stored = try #require(try await RequestModel.query(on: app.db).filter(\.$number == filed.number).first())
            #expect(stored.$requester.id == user.personID && stored.status == .received)
            #expect(try await RequestFollowerModel.query(on: app.db).filter(\.$request.$id == stored.requireID()).count() == 1)
            let event = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "requests.file").first())
            #expect(event.recordID == filed.number && event.actorLabel == "greffe@rdl.test")
        }
    }

    @Test func theTypesListShowsEachTypeWithItsLink() {
        // setup
        let type = RequestTypeModel()
        type.code = "aide-technique"
        type.nameFr = "Aide technique"
        type.nameEn = "Technical help"
        type.active = true
        type.routing = "bcam"
        type.targetDays = 20
        type.triageDays = 2
        let layout = Layout(Localizer(.frCA), path: "/administration/types-demandes")

        // act
        let html = RequestTypeViews.list(layout, types: [type])

        // validate
        #expect(html.contains("Aide technique"))
        #expect(!html.contains("Technical help"))
        #expect(html.contains("/administration/types-demandes/aide-technique"))
    }
}
