import PasserelleCore
import Plot

/// The territory pages. Each takes the values it shows, so it is tested without a database.
enum TerritoryViews {
    static func home(_ layout: Layout, directory d: TerritoryDirectory) -> String {
        let l = layout.l
        let local = d.regions.reduce(0) { $0 + $1.totals.localMunicipalities }
        let population = d.regions.reduce(0) { $0 + $1.totals.population }
        return layout.render(title: l("home.title"),
            .h1(.text(l("home.title"))),
            .p(.class("lead"), .text(l("home.lead"))),
            UI.searchForm(l, query: ""),
            .h2(.text(l("home.directory"))),
            H.ul(.class("stats"),
                stat(l.format.integer(d.regions.count), l("home.stat.regions"), "/regions"),
                stat(l.format.integer(d.units.count), l("home.stat.mrc"), "/regions"),
                stat(l.format.integer(local), l("home.stat.local_municipalities"), "/municipalites"),
                stat(l.format.integer(d.municipalities.filter(\.active).count), l("home.stat.entities"), "/municipalites?statut=actif"),
                stat(l.format.integer(population), l("home.stat.population"), nil)),
            .h2(.text(l("home.for_systems"))),
            .p(.text(l("home.api_intro")), .text(" "), H.a(l("home.api_link"), href: "/api")))
    }

    private static func stat(_ figure: String, _ label: String, _ href: String?) -> BodyNode {
        H.li(.strong(.text(figure)), .unwrap(href, { H.a(label, href: $0) }, else: .text(label)))
    }

    static func regions(_ layout: Layout, directory d: TerritoryDirectory) -> String {
        let l = layout.l
        return layout.render(title: l("regions.title"), breadcrumbs: [(l("nav.home"), "/"), (l("regions.title"), nil)],
            .h1(.text(l("regions.title"))),
            .p(.text(l("regions.lead", ["count": String(d.regions.count)]))),
            UI.table(caption: l("regions.table_caption"), columns: [
                .init(title: l("column.region")), .init(title: l("column.code")),
                .init(title: l("column.mrc_count"), numeric: true),
                .init(title: l("column.local_municipalities"), numeric: true),
                .init(title: l("column.entities"), numeric: true), .init(title: l("column.population"), numeric: true),
            ], rows: d.regions.map { r in [
                H.a(r.record.name, href: "/regions/\(r.record.code)"), .text(r.record.code),
                .text(l.format.integer(r.unitCodes.count)), .text(l.format.integer(r.totals.localMunicipalities)),
                .text(l.format.integer(r.totals.entities)), .text(l.format.integer(r.totals.population)),
            ] }, captionHidden: true))
    }

    static func region(_ layout: Layout, _ region: TerritoryDirectory.Region, directory d: TerritoryDirectory) -> String {
        let l = layout.l
        let units = region.unitCodes.compactMap { d.unit($0) }
        return layout.render(title: region.record.name,
                             breadcrumbs: [(l("nav.home"), "/"), (l("regions.title"), "/regions"), (region.record.name, nil)],
            .h1(.text(region.record.name)),
            UI.summaryList([
                (l("column.code"), .text(region.record.code)),
                (l("column.population"), .text(l.format.integer(region.totals.population))),
                (l("column.local_municipalities"), .text(l.format.integer(region.totals.localMunicipalities))),
                (l("column.entities"), .text(l.format.integer(region.totals.entities))),
            ]),
            .p(H.a(l("region.all_municipalities", ["name": region.record.name]),
                   href: "/municipalites?region=\(region.record.code)")),
            unitTable(l, units, caption: l("region.mrc_caption", ["name": region.record.name])))
    }

    static func unitTable(_ l: Localizer, _ units: [TerritoryDirectory.Unit], caption: String) -> BodyNode {
        UI.table(caption: caption, columns: [
            .init(title: l("column.mrc")), .init(title: l("column.code")), .init(title: l("column.type")),
            .init(title: l("column.local_municipalities"), numeric: true),
            .init(title: l("column.entities"), numeric: true), .init(title: l("column.population"), numeric: true),
        ], rows: units.map { u in [
            H.a(u.record.name, href: "/mrc/\(u.record.code)"), .text(u.record.code), .text(unitType(l, u.record)),
            .text(l.format.integer(u.totals.localMunicipalities)), .text(l.format.integer(u.totals.entities)),
            .text(l.format.integer(u.totals.population)),
        ] })
    }

    static func unitType(_ l: Localizer, _ unit: TerritoryUnitRecord) -> String {
        if unit.code.count == 2 { return l("unit_type.equivalent") }
        return unit.type.hasPrefix("MRC") ? l("unit_type.mrc") : l("unit_type.regional_administration")
    }

    static func unit(_ layout: Layout, _ unit: TerritoryDirectory.Unit, members: [TerritoryDirectory.Municipality],
                     directory d: TerritoryDirectory) -> String {
        let l = layout.l
        let region = d.region(unit.record.regionCode)
        return layout.render(title: unit.record.name, breadcrumbs: [
                (l("nav.home"), "/"), (l("regions.title"), "/regions"),
                (region?.record.name ?? unit.record.regionCode, "/regions/\(unit.record.regionCode)"), (unit.record.name, nil)],
            .h1(.text(unit.record.name)),
            UI.summaryList([
                (l("column.type"), .text(unitType(l, unit.record))),
                (l("column.code"), .text(unit.record.code)),
                (l("column.region"), H.a(region?.record.name ?? unit.record.regionCode, href: "/regions/\(unit.record.regionCode)")),
                (l("column.population"), .text(l.format.integer(unit.totals.population))),
                (l("column.local_municipalities"), .text(l.format.integer(unit.totals.localMunicipalities))),
                (l("column.entities"), .text(l.format.integer(unit.totals.entities))),
            ]),
            municipalityTable(l, members, caption: l("unit.members_caption", ["name": unit.record.name]), directory: d))
    }

    static func municipalityTable(_ l: Localizer, _ items: [TerritoryDirectory.Municipality], caption: String,
                                  directory d: TerritoryDirectory, captionHidden: Bool = false) -> BodyNode {
        UI.table(caption: caption, columns: [
            .init(title: l("column.name")), .init(title: l("column.code")), .init(title: l("column.designation")),
            .init(title: l("column.mrc")), .init(title: l("column.population"), numeric: true),
        ], rows: items.map { m in [
            .group(H.a(m.record.name, href: "/municipalites/\(m.code)"),
                   m.active ? .empty : .group(.text(" "), UI.tag(l("status.inactive"), .neutral))),
            .text(m.code), .text(m.record.designation),
            .unwrap(d.unit(m.record.territoryUnitCode), { H.a($0.record.name, href: "/mrc/\($0.record.code)") }),
            .text(m.record.population.map { l.format.integer($0) } ?? "—"),
        ] }, captionHidden: captionHidden)
    }

    /// The ministry's entry points for the municipality: its directorate and the BCAM (the same for
    /// everyone, so the page stays cacheable), and for signed-in people the full card with the agents.
    static func entryPoints(_ l: Localizer, _ m: TerritoryDirectory.Municipality) -> BodyNode {
        guard m.active && m.isLocal else { return .empty }
        let offices = [LiaisonQueries.directorate(forRegion: m.record.regionCode).map(LiaisonQueries.office), LiaisonQueries.bcam].compactMap { $0 }
        return .group(
            .h2(.text(l("municipality_page.entry_points"))),
            .div(.class("card"), .group(offices.enumerated().map { index, o in
                UI.contact(l, o.contact(role: l(index == 0 && offices.count == 2 ? "card.directorate" : "card.bcam")))
            })),
            .p(H.a(l("municipality_page.full_card"), href: "/organisations/mun-\(m.code)/carte")))
    }

    static func municipality(_ layout: Layout, _ m: TerritoryDirectory.Municipality, directory d: TerritoryDirectory) -> String {
        let l = layout.l
        let r = m.record
        let unit = d.unit(r.territoryUnitCode)
        var rows: [(term: String, value: BodyNode)] = [
            (l("field.code_geo"), .text(r.code)),
            (l("field.designation"), .text(r.designation)),
            (l("field.region"), H.a(r.regionName, href: "/regions/\(r.regionCode)")),
            (l("field.territory"), .unwrap(unit, { H.a($0.record.name, href: "/mrc/\($0.record.code)") }, else: .text("—"))),
        ]
        func add(_ key: String, _ value: String?) {
            rows.append((l(key), .text(value.flatMap { $0.isEmpty ? nil : $0 } ?? "—")))
        }
        add("field.mrc", r.mrcName.map { "\($0) (\(r.mrcCode ?? ""))" })
        add("field.regional_administration", r.regionalAdministrationName.map { "\($0) (\(r.regionalAdministrationCode ?? ""))" })
        add("field.census_division", "\(r.censusDivisionName) (\(r.censusDivisionCode))")
        add("field.outside_mrc", r.outsideMRCOrIndigenous.map { l($0 ? "value.yes" : "value.no") })
        add("field.metropolitan_community", r.metropolitanCommunityName.map { "\($0) (\(r.metropolitanCommunityCode ?? ""))" })
        add("field.electoral_division", r.electoralDivisionName.map { "\($0) (\(r.electoralDivisionCode ?? ""))" })
        add("field.constitution_date", r.constitutionDate.map { l.format.date($0) })
        add("field.population", r.population.map { l.format.integer($0) })
        add("field.area", r.areaKm2.map { l("unit.km2", ["value": l.format.decimal($0, places: 2)]) })
        add("field.land_area", r.landAreaKm2.map { l("unit.km2", ["value": l.format.decimal($0, places: 2)]) })
        add("field.next_election", r.nextElectionDate.map { l.format.date($0) })
        add("field.address", [r.address, r.addressLocality, r.postalCode.map(formatPostalCode)].compactMap { $0 }
            .joined(separator: ", "))
        rows.append((l("field.telephone"), .unwrap(r.telephone, { H.a(formatTelephone($0), href: "tel:+1\($0)") }, else: .text("—"))))
        rows.append((l("field.website"), .unwrap(r.website, { H.a($0, href: "https://\($0)") }, else: .text("—"))))
        if let lat = r.latitude, let lon = r.longitude {
            rows.append((l("field.coordinates"), .group(
                .text(l("value.coordinates", ["lat": l.format.decimal(lat, places: 5), "lon": l.format.decimal(lon, places: 5)])),
                .text(" — "),
                H.a(l("value.see_on_map"), href: "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=12/\(lat)/\(lon)"))))
            add("field.coordinates_source", r.coordinatesSource)
        } else {
            add("field.coordinates", nil)
        }
        var trail: [(label: String, href: String?)] = [
            (l("nav.home"), "/"), (l("regions.title"), "/regions"), (r.regionName, "/regions/\(r.regionCode)")]
        if let unit { trail.append((unit.record.name, "/mrc/\(unit.record.code)")) }
        trail.append((r.name, nil))
        return layout.render(title: r.name, breadcrumbs: trail,
            .h1(.text(r.name), .text(" "), UI.tag(r.designation, .info)),
            m.active ? .empty : UI.notice(
                m.inactiveSince.map { l("municipality_page.inactive_since", ["date": l.format.dateInSentence($0)]) }
                    ?? l("municipality_page.inactive"), kind: .warning),
            UI.summaryList(rows),
            entryPoints(l, m),
            .p(H.a(l("municipality_page.as_json"), href: "/api/v1/municipalites/\(r.code)")))
    }

    /// « J0P 1Z0 »
    static func formatPostalCode(_ code: String) -> String {
        code.count == 6 ? code.prefix(3) + " " + code.suffix(3) : code
    }

    /// « 450 267-9335 »
    static func formatTelephone(_ digits: String) -> String {
        guard digits.count == 10 else { return digits }
        let d = Array(digits)
        return "\(String(d[0..<3])) \(String(d[3..<6]))-\(String(d[6..<10]))"
    }
}
