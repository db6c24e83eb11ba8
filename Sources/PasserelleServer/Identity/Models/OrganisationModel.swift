import Fluent
import Foundation
import PasserelleCore

/// A municipality, an MRC, a unit of the ministry or a partner body: who people act for.
final class OrganisationModel: Model, @unchecked Sendable {
    static let schema = "organisations"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    // reference fields
    /// The municipality's geographic code or the MRC's code, for organisations of the territory.
    @OptionalField(key: "territory_code") var territoryCode: String?

    // data fields
    /// Stable and readable: `mun-12072`, `mrc-120`, `unite-bcam`, `partenaire-cmm`.
    @Field(key: "code") var code: String
    @Enum(key: "kind") var kind: OrganisationKind
    @Field(key: "name") var name: String
    @Field(key: "language") var language: String
    @Field(key: "active") var active: Bool
    /// Recognised under section 29.1 of the Charter of the French language: its people's browsers
    /// may ask for English pages (`Request.language`).
    @Field(key: "bilingual_status") var bilingualStatus: Bool

    init() {}

    init(code: String, kind: OrganisationKind, name: String, territoryCode: String? = nil, language: Language = .frCA) {
        self.code = code
        self.kind = kind
        self.name = name
        self.territoryCode = territoryCode
        self.language = language.rawValue
        self.active = true
        self.bilingualStatus = false
        self.version = 1
    }
}
