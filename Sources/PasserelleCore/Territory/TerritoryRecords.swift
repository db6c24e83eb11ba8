/// The reference data of the territory, as the official files give it.

public struct RegionRecord: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public init(code: String, name: String) { self.code = code; self.name = name }
}

/// An MRC or a territory equivalent to one (a census division outside any MRC, the Kativik
/// Regional Administration).
public struct TerritoryUnitRecord: Sendable, Equatable, Codable {
    public var code: String
    public var type: String
    public var name: String
    public var regionCode: String
    public init(code: String, type: String, name: String, regionCode: String) {
        self.code = code; self.type = type; self.name = name; self.regionCode = regionCode
    }
}

public struct DesignationRecord: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var isLocalMunicipality: Bool
    public init(code: String, name: String, isLocalMunicipality: Bool) {
        self.code = code; self.name = name; self.isLocalMunicipality = isLocalMunicipality
    }
}

/// One entity of the MAMH Répertoire des municipalités, every column of the file.
public struct MunicipalityRecord: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var designationCode: String
    public var designation: String
    public var regionCode: String
    public var regionName: String
    public var mrcCode: String?
    public var mrcName: String?
    public var regionalAdministrationCode: String?
    public var regionalAdministrationName: String?
    public var censusDivisionCode: String
    public var censusDivisionName: String
    public var outsideMRCOrIndigenous: Bool?
    public var metropolitanCommunityCode: String?
    public var metropolitanCommunityName: String?
    public var electoralDivisionCode: String?
    public var electoralDivisionName: String?
    public var constitutionDate: CalendarDate?
    public var areaKm2: Double?
    public var landAreaKm2: Double?
    public var population: Int?
    public var nextElectionDate: CalendarDate?
    public var address: String?
    public var addressLocality: String?
    public var postalCode: String?
    public var telephone: String?
    public var website: String?
    public var latitude: Double?
    public var longitude: Double?
    public var coordinatesSource: String?

    /// The MRC or equivalent territory the entity belongs to: its MRC, else the Kativik Regional
    /// Administration, else the census division standing for a territory outside any MRC. Indian
    /// reserves and Cree, Naskapi and Inuit lands outside any MRC belong to none: only to their region.
    public var territoryUnitCode: String? {
        mrcCode ?? regionalAdministrationCode ?? (outsideMRCOrIndigenous == true ? nil : censusDivisionCode)
    }
}

/// The columns of the Répertoire file, in the order it prints them.
public enum MunicipalityColumn: String, CaseIterable, Sendable {
    case code_geo, nom, code_designation, designation, region_code, region_nom, mrc_code, mrc_nom
    case admin_regionale_code, admin_regionale_nom, division_recensement_code, division_recensement_nom
    case hors_mrc_ou_autochtone, communaute_metropolitaine_code, communaute_metropolitaine_nom
    case circonscription_provinciale_code, circonscription_provinciale_nom, date_constitution
    case superficie_km2, superficie_terrestre_km2, population, date_prochaine_election, adresse
    case localite_adresse, code_postal, telephone, site_web, latitude, longitude, source_coordonnees
}

extension MunicipalityRecord {
    /// The record as the file's columns print it (empty string for a missing value).
    public func field(_ column: MunicipalityColumn) -> String {
        switch column {
        case .code_geo: code
        case .nom: name
        case .code_designation: designationCode
        case .designation: designation
        case .region_code: regionCode
        case .region_nom: regionName
        case .mrc_code: mrcCode ?? ""
        case .mrc_nom: mrcName ?? ""
        case .admin_regionale_code: regionalAdministrationCode ?? ""
        case .admin_regionale_nom: regionalAdministrationName ?? ""
        case .division_recensement_code: censusDivisionCode
        case .division_recensement_nom: censusDivisionName
        case .hors_mrc_ou_autochtone: outsideMRCOrIndigenous.map { $0 ? "oui" : "non" } ?? ""
        case .communaute_metropolitaine_code: metropolitanCommunityCode ?? ""
        case .communaute_metropolitaine_nom: metropolitanCommunityName ?? ""
        case .circonscription_provinciale_code: electoralDivisionCode ?? ""
        case .circonscription_provinciale_nom: electoralDivisionName ?? ""
        case .date_constitution: constitutionDate?.iso ?? ""
        case .superficie_km2: areaKm2.map(Self.decimalText) ?? ""
        case .superficie_terrestre_km2: landAreaKm2.map(Self.decimalText) ?? ""
        case .population: population.map(String.init) ?? ""
        case .date_prochaine_election: nextElectionDate?.iso ?? ""
        case .adresse: address ?? ""
        case .localite_adresse: addressLocality ?? ""
        case .code_postal: postalCode ?? ""
        case .telephone: telephone ?? ""
        case .site_web: website ?? ""
        case .latitude: latitude.map(Self.decimalText) ?? ""
        case .longitude: longitude.map(Self.decimalText) ?? ""
        case .source_coordonnees: coordinatesSource ?? ""
        }
    }

    static func decimalText(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }

    /// The names of the columns whose values differ between two versions of a record.
    public func changedColumns(from old: MunicipalityRecord) -> [MunicipalityColumn] {
        MunicipalityColumn.allCases.filter { field($0) != old.field($0) }
    }
}
