import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// A contact at a partner body (the interministerial network), by subject.
final class PartnerContactModel: Model, @unchecked Sendable {
    static let schema = "partner_contacts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "name") var name: String
    @Field(key: "title") var title: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    /// Subjects, separated by commas (« habitation, aménagement »).
    @Field(key: "subjects") var subjects: String
    @Field(key: "active") var active: Bool

    init() {}

    var subjectList: [String] {
        subjects.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
