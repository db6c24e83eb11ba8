import Fluent
import Foundation
import PasserelleCore

/// A planned intervention on the shared map (PAMAM 4.3): who does what, where, when, and what it
/// does to traffic. The geometry is kept as GeoJSON in WGS 84, with its box for the map's filters;
/// distances are measured in Québec Lambert by `PasserelleCore/Works`.
final class InterventionModel: Model, @unchecked Sendable {
    static let schema = "works_interventions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "number") var number: String
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "title") var title: String
    @Field(key: "description") var details: String
    @Field(key: "kind") var kind: String
    @Field(key: "status") var status: String
    @Field(key: "visibility") var visibility: String
    @Field(key: "geometry") var geometryJSON: String
    @Field(key: "min_lon") var minLon: Double
    @Field(key: "min_lat") var minLat: Double
    @Field(key: "max_lon") var maxLon: Double
    @Field(key: "max_lat") var maxLat: Double
    /// The municipality the work is in (its territory code), its MRC and its region.
    @OptionalField(key: "municipality_code") var municipalityCode: String?
    @OptionalField(key: "mrc_code") var mrcCode: String?
    @OptionalField(key: "region_code") var regionCode: String?
    @Field(key: "road_names") var roadNames: String
    @OptionalField(key: "rtss") var rtss: String?
    /// The bounds as the owner gave them (dates, or RFC 3339 instants) and the half-open interval
    /// in seconds since 1970.
    @Field(key: "starts_text") var startsText: String
    @Field(key: "ends_text") var endsText: String
    @Field(key: "start_s") var startSeconds: Int64
    @Field(key: "end_s") var endSeconds: Int64
    @Field(key: "first_day") var firstDay: String
    @Field(key: "last_day") var lastDay: String
    @Field(key: "start_verified") var startVerified: Bool
    @Field(key: "end_verified") var endVerified: Bool
    @Field(key: "road_state") var roadState: String
    @OptionalField(key: "lanes_closed") var lanesClosed: Int?
    @Field(key: "detour") var detour: String
    @Field(key: "category") var category: String
    @OptionalField(key: "application_number") var applicationNumber: String?
    @OptionalField(key: "agreement_number") var agreementNumber: String?
    @Field(key: "contact_name") var contactName: String
    @Field(key: "contact_email") var contactEmail: String
    @Field(key: "contact_phone") var contactPhone: String
    @OptionalField(key: "external_id") var externalID: String?

    init() {}

    var workKind: WorkKind { WorkKind(rawValue: kind) ?? .other }
    var workStatus: WorkStatus { WorkStatus(rawValue: status) ?? .planned }
    var workVisibility: WorkVisibility { WorkVisibility(rawValue: visibility) ?? .internal }
    var workRoadState: RoadState { RoadState(rawValue: roadState) ?? .open }
    var workCategory: WorkCategory { WorkCategory(rawValue: category) ?? .minor }

    /// The stored geometry (checked when it was saved).
    var geometry: Geometry? { try? Geometry(geoJSON: geometryJSON) }

    var roadNameList: [String] { Self.roads(roadNames) }

    /// The road names as stored: one a line.
    static func roads(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
