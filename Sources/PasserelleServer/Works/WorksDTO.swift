import Foundation
import PasserelleCore
import Vapor

/// An intervention as the API sends it: the same names as the form and the import.
struct InterventionDTO: Content {
    let numero: String
    let version: Int
    let proprietaire: String
    let proprietaire_nom: String
    let titre: String
    let description: String
    let genre: String
    let statut: String
    let visibilite: String
    let categorie: String
    let geometrie: GeoJSONGeometry
    let debut: String
    let fin: String
    let debut_verifie: Bool
    let fin_verifie: Bool
    let premier_jour: String
    let dernier_jour: String
    let voies: [String]
    let rtss: String?
    let etat_chaussee: String
    let voies_fermees: Int?
    let detour: String
    let municipalite: String?
    let mrc: String?
    let region: String?
    let demande_aide: String?
    let convention: String?
    let contact_nom: String
    let contact_courriel: String
    let contact_telephone: String
    let id_externe: String?
    let preavis_avant: String
    let cree_le: Date?
    let modifie_le: Date?
    let paires: [WorkPairDTO]?

    init(_ m: InterventionModel, pairs: [WorkPairModel]? = nil, workingDays: WorkingDays) {
        numero = m.number
        version = m.version
        proprietaire = m.organisation.code
        proprietaire_nom = m.organisation.name
        titre = m.title
        description = m.details
        genre = m.kind
        statut = m.status
        visibilite = m.visibility
        categorie = m.category
        geometrie = m.geometry.map(GeoJSONGeometry.init) ?? GeoJSONGeometry(type: "Point", coordinates: nil)
        debut = m.startsText
        fin = m.endsText
        debut_verifie = m.startVerified
        fin_verifie = m.endVerified
        premier_jour = m.firstDay
        dernier_jour = m.lastDay
        voies = m.roadNameList
        rtss = m.rtss
        etat_chaussee = m.roadState
        voies_fermees = m.lanesClosed
        detour = m.detour
        municipalite = m.municipalityCode
        mrc = m.mrcCode
        region = m.regionCode
        demande_aide = m.applicationNumber
        convention = m.agreementNumber
        contact_nom = m.contactName
        contact_courriel = m.contactEmail
        contact_telephone = m.contactPhone
        id_externe = m.externalID
        preavis_avant = WorksDTO.noticeBy(m, workingDays).iso
        cree_le = m.createdAt
        modifie_le = m.updatedAt
        paires = pairs.map { $0.map { WorkPairDTO($0, from: m.id) } }
    }
}

/// A pair as the API sends it.
struct WorkPairDTO: Content {
    let id: UUID
    let version: Int
    let genre: String
    let ecart_jours: Int
    let statut: String
    let motif: String
    let actif: Bool
    let interventions: [String]
    let proprietaires: [String]
    let detectee_le: Date?

    init(_ p: WorkPairModel, from work: UUID? = nil) {
        id = p.id ?? UUID()
        version = p.version
        genre = p.kind
        ecart_jours = p.gapDays
        statut = p.status
        motif = p.reason
        actif = p.active
        interventions = [p.first.number, p.second.number]
        proprietaires = [p.first.organisation.code, p.second.organisation.code]
        detectee_le = p.createdAt
    }
}

/// A kind of work, with its names.
struct WorkKindDTO: Content {
    let code: String
    let nom_fr: String
    let nom_en: String
}

enum WorksDTO {
    /// The day by which notice is due for a work of its category.
    static func noticeBy(_ m: InterventionModel, _ days: WorkingDays) -> CalendarDate {
        CategoryRules.standard.noticeBy(m.workCategory, firstDay: CalendarDate(iso: m.firstDay) ?? .today, workingDays: days)
    }

    /// The map's GeoJSON: a FeatureCollection written straight into text (10,000 works in a few
    /// milliseconds), each feature with the public names of the table.
    static func featureCollection(_ rows: [WorkRow], l: Localizer) -> String {
        var out = "{\"type\":\"FeatureCollection\",\"features\":["
        out.reserveCapacity(rows.count * 420)
        // Each kind's name once, not once a feature.
        var kindNames: [String: String] = [:]
        for kind in WorkKind.allCases { kindNames[kind.rawValue] = l("works.kind.\(kind.rawValue)") }
        for (i, m) in rows.enumerated() {
            if i > 0 { out += "," }
            out += "{\"type\":\"Feature\",\"id\":"
            JSONText.quote(m.number, &out)
            out += ",\"geometry\":"
            out += m.geometryJSON
            out += ",\"properties\":{\"numero\":"
            JSONText.quote(m.number, &out)
            out += ",\"titre\":"; JSONText.quote(m.title, &out)
            out += ",\"genre\":"; JSONText.quote(m.kind, &out)
            out += ",\"genre_nom\":"; JSONText.quote(kindNames[m.kind] ?? m.kind, &out)
            out += ",\"statut\":"; JSONText.quote(m.status, &out)
            out += ",\"proprietaire\":"; JSONText.quote(m.ownerCode, &out)
            out += ",\"proprietaire_nom\":"; JSONText.quote(m.ownerName, &out)
            out += ",\"debut\":"; JSONText.quote(m.startsText, &out)
            out += ",\"fin\":"; JSONText.quote(m.endsText, &out)
            out += ",\"categorie\":"; JSONText.quote(m.category, &out)
            out += ",\"etat_chaussee\":"; JSONText.quote(m.roadState, &out)
            out += ",\"url\":"; JSONText.quote("/interventions/\(m.number)", &out)
            out += "}}"
        }
        out += "]}"
        return out
    }

    static func csv(_ rows: [WorkRow], l: Localizer) -> [[String]] {
        [["numero", "titre", "genre", "statut", "visibilite", "categorie", "proprietaire", "debut", "fin", "municipalite",
          "voies", "etat_chaussee", "geometrie_wkt"]]
            + rows.map { m in
                [m.number, m.title, m.kind, m.status, m.visibility, m.category, m.ownerCode, m.startsText, m.endsText,
                 m.municipalityCode ?? "", m.roadNameList.joined(separator: "; "), m.roadState, m.geometry?.wkt ?? ""]
            }
    }
}
