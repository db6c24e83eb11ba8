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
