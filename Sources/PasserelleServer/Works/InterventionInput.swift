import Foundation
import PasserelleCore
import Vapor

/// What a person, a system or an import file gives for one intervention, under the names the API,
/// the form and the import share (`titre`, `debut`, `fin`…), before it is checked.
struct InterventionInput: Content, Sendable {
    var titre: String?
    var description: String?
    var genre: String?
    var statut: String?
    var visibilite: String?
    /// A GeoJSON geometry as text (the form's field, the CSV's WKT is turned into it).
    var geometrie: String?
    /// A point typed as two numbers (the form without JavaScript).
    var latitude: String?
    var longitude: String?
    var debut: String?
    var fin: String?
    var debut_verifie: String?
    var fin_verifie: String?
    /// One road name a line.
    var voies: String?
    var rtss: String?
    var etat_chaussee: String?
    var voies_fermees: String?
    var detour: String?
    var municipalite: String?
    var demande_aide: String?
    var convention: String?
    var contact_nom: String?
    var contact_courriel: String?
    var contact_telephone: String?
    var id_externe: String?
    var version: String?

    init() {}
}

/// An intervention's fields once checked.
struct CheckedIntervention: Sendable {
    var title: String
    var details: String
    var kind: WorkKind
    var status: WorkStatus
    var visibility: WorkVisibility
    var geometry: Geometry
    var period: WorkPeriod
    var startVerified: Bool
    var endVerified: Bool
    var roadNames: [String]
    var rtss: String?
    var roadState: RoadState
    var lanesClosed: Int?
    var detour: String
    var municipality: TerritoryDirectory.Municipality?
    var applicationNumber: String?
    var agreementNumber: String?
    var contactName: String
    var contactEmail: String
    var contactPhone: String
    var externalID: String?
}

extension InterventionInput {
    /// Field by field, the message keys of what is wrong (`works.error.*`, `works.geometry.*`,
    /// `works.period.*`), or the checked fields. Links to the SGAF are checked by the caller, who
    /// knows the owner.
    func checked(territory: TerritoryDirectory, defaultMunicipality: String?) -> (CheckedIntervention?, [(field: String, key: String)]) {
        var errors: [(field: String, key: String)] = []
        func clean(_ s: String?) -> String { (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let title = clean(titre)
        if title.isEmpty || title.count > 200 { errors.append(("titre", "works.error.title")) }
        let details = clean(description)
        if details.count > 20_000 { errors.append(("description", "works.error.description")) }
        let kind = clean(genre).isEmpty ? WorkKind.other : WorkKind(rawValue: clean(genre))
        if kind == nil { errors.append(("genre", "works.error.kind")) }
        let status = clean(statut).isEmpty ? WorkStatus.planned : WorkStatus(rawValue: clean(statut))
        if status == nil { errors.append(("statut", "works.error.status")) }
        let visibility = clean(visibilite).isEmpty ? WorkVisibility.public : WorkVisibility(rawValue: clean(visibilite))
        if visibility == nil { errors.append(("visibilite", "works.error.visibility")) }

        var geometry: Geometry?
        let typed = (clean(latitude), clean(longitude))
        if !clean(geometrie).isEmpty {
            do { geometry = try Geometry(geoJSON: clean(geometrie)) } catch { errors.append(("geometrie", error.key)) }
        } else if !typed.0.isEmpty || !typed.1.isEmpty {
            let lat = Double(typed.0.replacingOccurrences(of: ",", with: ".")), lon = Double(typed.1.replacingOccurrences(of: ",", with: "."))
            if let lat, let lon {
                let point = Geometry.point(Position(longitude: lon, latitude: lat))
                do { try point.validate(); geometry = point } catch { errors.append(("latitude", error.key)) }
            } else {
                errors.append(("latitude", GeometryError.position.key))
            }
        } else {
            errors.append(("geometrie", "works.error.geometry_missing"))
        }

        var period: WorkPeriod?
        do { period = try WorkPeriod(start: clean(debut), end: clean(fin)) } catch { errors.append((error.field, error.key)) }

        let roads = clean(voies).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if roads.count > 20 || roads.contains(where: { $0.count > 120 }) { errors.append(("voies", "works.error.roads")) }
        let rtssText = clean(rtss)
        if rtssText.count > 40 { errors.append(("rtss", "works.error.rtss")) }
        let state = clean(etat_chaussee).isEmpty ? RoadState.open : RoadState(rawValue: clean(etat_chaussee))
        if state == nil { errors.append(("etat_chaussee", "works.error.road_state")) }
        var lanes: Int?
        if !clean(voies_fermees).isEmpty {
            lanes = Int(clean(voies_fermees))
            if lanes.map({ (0...12).contains($0) }) != true { errors.append(("voies_fermees", "works.error.lanes")) }
        }
        let detourText = clean(detour)
        if detourText.count > 2_000 { errors.append(("detour", "works.error.detour")) }

        var municipality: TerritoryDirectory.Municipality?
        let code = clean(municipalite).isEmpty ? defaultMunicipality : clean(municipalite)
        if let code, !code.isEmpty {
            municipality = territory.municipality(code)
            if municipality == nil { errors.append(("municipalite", "works.error.municipality")) }
        }
        let contactEmail = clean(contact_courriel)
        if !contactEmail.isEmpty && (!contactEmail.contains("@") || contactEmail.count > 200) {
            errors.append(("contact_courriel", "works.error.contact_email"))
        }
        let contactName = clean(contact_nom), contactPhone = clean(contact_telephone)
        if contactName.count > 200 || contactPhone.count > 40 { errors.append(("contact_nom", "works.error.contact")) }
        let external = clean(id_externe)
        if external.count > 100 { errors.append(("id_externe", "works.error.external_id")) }
        func flag(_ s: String?) -> Bool { ["1", "true", "on", "oui", "yes"].contains(clean(s).lowercased()) }

        guard errors.isEmpty, let kind, let status, let visibility, let geometry, let period, let state else { return (nil, errors) }
        return (CheckedIntervention(
            title: title, details: details, kind: kind, status: status, visibility: visibility, geometry: geometry, period: period,
            startVerified: flag(debut_verifie), endVerified: flag(fin_verifie), roadNames: roads, rtss: rtssText.isEmpty ? nil : rtssText,
            roadState: state, lanesClosed: lanes, detour: detourText, municipality: municipality,
            applicationNumber: clean(demande_aide).isEmpty ? nil : clean(demande_aide).uppercased(),
            agreementNumber: clean(convention).isEmpty ? nil : clean(convention).uppercased(),
            contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone,
            externalID: external.isEmpty ? nil : external), [])
    }

    /// The form's fields from a stored work (to edit it).
    init(_ m: InterventionModel) {
        titre = m.title
        description = m.details
        genre = m.kind
        statut = m.status
        visibilite = m.visibility
        geometrie = m.geometryJSON
        debut = m.startsText
        fin = m.endsText
        debut_verifie = m.startVerified ? "1" : nil
        fin_verifie = m.endVerified ? "1" : nil
        voies = m.roadNames
        rtss = m.rtss
        etat_chaussee = m.roadState
        voies_fermees = m.lanesClosed.map(String.init)
        detour = m.detour
        municipalite = m.municipalityCode
        demande_aide = m.applicationNumber
        convention = m.agreementNumber
        contact_nom = m.contactName
        contact_courriel = m.contactEmail
        contact_telephone = m.contactPhone
        id_externe = m.externalID
        version = String(m.version)
    }
}
