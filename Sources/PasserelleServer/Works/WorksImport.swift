import Fluent
import Foundation
import PasserelleCore
import Vapor

/// `import-interventions`: a GeoJSON FeatureCollection (properties `titre`, `description`,
/// `debut`, `fin`, `proprietaire`, and optionally `genre`, `id_externe` and the form's other
/// names) or a CSV with the same columns and the geometry in WKT (`geometrie_wkt`). Every feature
/// is checked before anything is written; one error anywhere and nothing changes. A feature whose
/// `id_externe` its owner already has updates that work.
enum WorksImport {
    struct Feature: Sendable {
        let number: Int
        let owner: String
        let input: InterventionInput
    }

    struct Problem: Sendable, Equatable {
        let feature: Int
        let field: String
        let key: String
    }

    struct Failed: Error {
        let problems: [Problem]
    }

    /// A property's value, whatever its JSON type.
    enum Value: Decodable {
        case text(String), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let b = try? c.decode(Bool.self) { self = .text(b ? "1" : "") }
            else if let n = try? c.decode(Double.self) { self = .text(n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)) }
            else if let a = try? c.decode([String].self) { self = .text(a.joined(separator: "\n")) }
            else { self = .null }
        }

        var text: String? { if case .text(let s) = self { s } else { nil } }
    }

    struct GeoJSONFeature: Decodable {
        var type: String?
        var geometry: GeoJSONGeometry?
        var properties: [String: Value]?
    }

    struct Collection: Decodable {
        var type: String
        var features: [GeoJSONFeature]
    }

    static func input(_ p: [String: String], geometry: String?) -> (owner: String, input: InterventionInput) {
        var i = InterventionInput()
        i.titre = p["titre"]; i.description = p["description"]; i.genre = p["genre"]; i.statut = p["statut"]
        i.visibilite = p["visibilite"]; i.geometrie = geometry; i.debut = p["debut"]; i.fin = p["fin"]
        i.debut_verifie = p["debut_verifie"]; i.fin_verifie = p["fin_verifie"]; i.voies = p["voies"]; i.rtss = p["rtss"]
        i.etat_chaussee = p["etat_chaussee"]; i.voies_fermees = p["voies_fermees"]; i.detour = p["detour"]
        i.municipalite = p["municipalite"]; i.demande_aide = p["demande_aide"]; i.convention = p["convention"]
        i.contact_nom = p["contact_nom"]; i.contact_courriel = p["contact_courriel"]; i.contact_telephone = p["contact_telephone"]
        i.id_externe = p["id_externe"]
        return ((p["proprietaire"] ?? "").trimmingCharacters(in: .whitespaces), i)
    }

    /// Reads the file's features (feature numbers from 1), or says why the file cannot be read.
    static func read(_ data: Data, csv: Bool) throws(Failed) -> [Feature] {
        if csv {
            let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
            let records: [PasserelleCore.CSV.Record]
            do { records = try PasserelleCore.CSV.parse(text) } catch { throw Failed(problems: [Problem(feature: 0, field: "fichier", key: "works.import.csv")]) }
            guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
                throw Failed(problems: [Problem(feature: 0, field: "fichier", key: "works.import.empty")])
            }
            guard let wkt = header.firstIndex(where: { ["geometrie_wkt", "wkt", "geometrie"].contains($0) }) else {
                throw Failed(problems: [Problem(feature: 0, field: "geometrie_wkt", key: "works.import.no_geometry_column")])
            }
            var features: [Feature] = []
            var problems: [Problem] = []
            for (n, record) in records.dropFirst().enumerated() where !record.fields.allSatisfy({ $0.isEmpty }) {
                var p: [String: String] = [:]
                for (i, name) in header.enumerated() where i < record.fields.count { p[name] = record.fields[i] }
                var geometry: String?
                do { geometry = try Geometry(wkt: record.fields.count > wkt ? record.fields[wkt] : "").geoJSON }
                catch { problems.append(Problem(feature: n + 1, field: "geometrie_wkt", key: error.key)) }
                let (owner, i) = input(p, geometry: geometry)
                if geometry != nil { features.append(Feature(number: n + 1, owner: owner, input: i)) }
            }
            if !problems.isEmpty { throw Failed(problems: problems) }
            return features
        }
        guard let collection = try? JSONDecoder().decode(Collection.self, from: data), collection.type == "FeatureCollection" else {
            throw Failed(problems: [Problem(feature: 0, field: "fichier", key: "works.import.not_geojson")])
        }
        return collection.features.enumerated().map { n, f in
            var p: [String: String] = [:]
            for (k, v) in f.properties ?? [:] { if let t = v.text { p[k] = t } }
            let geometry = f.geometry.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let (owner, i) = input(p, geometry: geometry)
            return Feature(number: n + 1, owner: owner, input: i)
        }
    }

    /// The checked features, each with its owner and the work it updates; every problem at once.
    static func check(_ features: [Feature], app: Application) async throws -> [(Feature, CheckedIntervention, OrganisationModel, InterventionModel?)] {
        let territory = app.territory.current
        let codes = Set(features.map(\.owner))
        let owners = Dictionary(try await OrganisationModel.query(on: app.db).filter(\.$code ~~ codes).all().map { ($0.code, $0) },
                                uniquingKeysWith: { a, _ in a })
        var problems: [Problem] = []
        var out: [(Feature, CheckedIntervention, OrganisationModel, InterventionModel?)] = []
        var seen: Set<String> = []
        for f in features {
            guard let owner = owners[f.owner] else {
                problems.append(Problem(feature: f.number, field: "proprietaire", key: "works.import.unknown_owner"))
                continue
            }
            let (checked, errors) = f.input.checked(territory: territory,
                                                   defaultMunicipality: owner.kind == .municipality ? owner.territoryCode : nil)
            problems += errors.map { Problem(feature: f.number, field: $0.field, key: $0.key) }
            guard let checked else { continue }
            var existing: InterventionModel?
            if let external = checked.externalID {
                guard seen.insert("\(f.owner)/\(external)").inserted else {
                    problems.append(Problem(feature: f.number, field: "id_externe", key: "works.import.duplicate_external_id"))
                    continue
                }
                existing = try await InterventionModel.query(on: app.db).filter(\.$organisation.$id == owner.requireID())
                    .filter(\.$externalID == external).with(\.$organisation).first()
            }
            out.append((f, checked, owner, existing))
        }
        if !problems.isEmpty { throw Failed(problems: problems) }
        return out
    }

    /// Writes every feature in one transaction (pairs and journal included); returns (created, updated).
    static func apply(_ checked: [(Feature, CheckedIntervention, OrganisationModel, InterventionModel?)], app: Application,
                      progress: (@Sendable (Double) -> Void)? = nil) async throws -> (Int, Int) {
        let caller = Caller(application: app, currentUser: nil, auditActor: .system("import-interventions"))
        do {
            return try await app.write { db in
                var created = 0, updated = 0
                for (n, (feature, c, owner, existing)) in checked.enumerated() {
                    let saved: Works.Saved
                    do {
                        if let existing {
                            saved = try await Works.modify(existing, with: c, version: existing.version, as: caller, on: db)
                            updated += 1
                        } else {
                            saved = try await Works.insert(c, owner: owner, as: caller, on: db)
                            created += 1
                        }
                    } catch let refusal as Works.Refusal {
                        let (field, key) = switch refusal {
                        case .link(let field, let key): (field, key)
                        case .externalTaken: ("id_externe", "works.error.external_taken")
                        default: ("fichier", "works.refusal.stale")
                        }
                        throw Failed(problems: [Problem(feature: feature.number, field: field, key: key)])
                    }
                    // Later features of the file meet this one.
                    Works.commit(saved.work, app)
                    progress?(Double(n + 1) / Double(checked.count))
                }
                return (created, updated)
            }
        } catch {
            // Nothing was written: the live index goes back to what the database holds.
            try await app.worksDetection.load(on: app.db)
            throw error
        }
    }
}
