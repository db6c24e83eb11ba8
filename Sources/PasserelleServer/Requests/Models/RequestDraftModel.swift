import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A request being written: kept for the person who started it, for one organisation, until it is
/// filed or deleted. What was typed is kept as typed (checked only when filed); its files are
/// already in the store, checked by content.
final class RequestDraftModel: Model, @unchecked Sendable {
    static let schema = "request_drafts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "type_code") var typeCode: String
    @Field(key: "title") var title: String
    /// `RequestDraftModel.Content` as JSON.
    @Field(key: "content") var contentJSON: String

    init() {
        contentJSON = "{}"
    }

    struct Content: Codable, Sendable, Equatable {
        var description = ""
        var resolutionNumber = ""
        var resolutionDate = ""
        var latitude = ""
        var longitude = ""
        var answers: [String: [String]] = [:]
        var files: [FileStore.Blob] = []
    }

    var content: Content {
        get { (try? JSONDecoder().decode(Content.self, from: Data(contentJSON.utf8))) ?? Content() }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            contentJSON = String(decoding: (try? encoder.encode(newValue)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }

    /// The draft as the filing form reads it.
    var form: RequestQueries.FilingForm {
        let c = content
        return RequestQueries.FilingForm(type: typeCode, title: title, description: c.description, resolution_number: c.resolutionNumber,
                                       resolution_date: c.resolutionDate, latitude: c.latitude, longitude: c.longitude)
    }
}
