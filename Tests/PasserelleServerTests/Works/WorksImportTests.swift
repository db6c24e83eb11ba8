import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

@Suite struct WorksImportTests {
    static func collection(_ features: [String]) -> Data {
        Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.utf8)
    }

    static func feature(_ geometry: String, _ properties: String) -> String {
        #"{"type":"Feature","geometry":\#(geometry),"properties":{\#(properties)}}"#
    }

    static let street = #"{"type":"LineString","coordinates":[[-69.5420,47.8290],[-69.5330,47.8345]]}"#

    /// An invalid geometry, a start after its end and an unknown owner: each named with its
    /// feature number, and the import changes nothing (the good features included).
    @Test func badFeaturesAreNamedByNumberAndNothingIsWritten() async throws {
        try await withPasserelle { app in
            let data = Self.collection([
                Self.feature(Self.street, #""titre":"Bon","debut":"2027-06-01","fin":"2027-06-05","proprietaire":"mun-12072""#),
                Self.feature(#"{"type":"LineString","coordinates":[[-69.54,47.82]]}"#,
                             #""titre":"Ligne d'un point","debut":"2027-06-01","fin":"2027-06-05","proprietaire":"mun-12072""#),
                Self.feature(Self.street, #""titre":"À l'envers","debut":"2027-06-09","fin":"2027-06-01","proprietaire":"mun-12072""#),
                Self.feature(Self.street, #""titre":"Inconnu","debut":"2027-06-01","fin":"2027-06-05","proprietaire":"mun-99999""#),
            ])
            let features = try WorksImport.read(data, csv: false)
            #expect(features.count == 4)
            do {
                _ = try await WorksImport.check(features, app: app)
                Issue.record("the import should have been refused")
            } catch let failed as WorksImport.Failed {
                #expect(failed.problems.contains(.init(feature: 2, field: "geometrie", key: "works.geometry.too_few")))
                #expect(failed.problems.contains(.init(feature: 3, field: "fin", key: "works.period.end_before_start")))
                #expect(failed.problems.contains(.init(feature: 4, field: "proprietaire", key: "works.import.unknown_owner")))
                #expect(!failed.problems.contains { $0.feature == 1 })
            }
            #expect(try await InterventionModel.query(on: app.db).count() == 0)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "works.create").count() == 0)
        }
    }

    /// A CSV with WKT creates works; the same file again with a changed title updates them by
    /// their `id_externe`; dates and instants are kept as given.
    @Test func aCSVWithWKTImportsAndReimportingUpdatesByExternalID() async throws {
        try await withPasserelle { app in
            func csv(_ title: String) -> Data {
                Data("""
                    titre,debut,fin,proprietaire,genre,id_externe,geometrie_wkt
                    \(title),2027-06-01,2027-06-05,mun-12072,paving,SIG-1,"LINESTRING (-69.542 47.829, -69.533 47.8345)"
                    Égout,2027-07-01T07:00:00-04:00,2027-07-03T17:00:00-04:00,mun-12072,waterSewer,SIG-2,POINT (-69.537 47.832)

                    """.utf8)
            }
            let first = try await WorksImport.apply(try await WorksImport.check(try WorksImport.read(csv("Pavage"), csv: true), app: app), app: app)
            #expect(first == (2, 0))
            let second = try await WorksImport.apply(try await WorksImport.check(try WorksImport.read(csv("\"Pavage, rue Lafontaine\""), csv: true),
                                                                                  app: app), app: app)
            #expect(second == (0, 2))
            let works = try await InterventionModel.query(on: app.db).sort(\.$externalID).all()
            #expect(works.count == 2)
            #expect(works[0].title == "Pavage, rue Lafontaine" && works[0].version == 2 && works[0].kind == "paving")
            #expect(works[1].startsText == "2027-07-01T11:00:00Z" && works[1].endsText == "2027-07-03T21:00:00Z")
            #expect(works[0].municipalityCode == "12072") // the owner's own territory
            // They are 30 m apart within weeks of each other: the import found their pair.
            #expect(try await WorkPairModel.query(on: app.db).count() == 1)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$actorLabel == "system:import-interventions").count() >= 5)
            // A CSV without a geometry column is refused whole.
            #expect(throws: WorksImport.Failed.self) { try WorksImport.read(Data("titre,debut\nA,2027-01-01\n".utf8), csv: true) }
        }
    }
}
