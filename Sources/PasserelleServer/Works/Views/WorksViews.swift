import Foundation
import PasserelleCore
import Plot

enum WorksViews {
    static func crumbs(_ l: Localizer, _ trail: (String, String?)...) -> [(label: String, href: String?)] {
        [(l("nav.home"), "/"), (l("works.title"), trail.isEmpty ? nil : "/interventions")] + trail.map { ($0.0, $0.1) }
    }

    static func kindTag(_ l: Localizer, _ m: InterventionModel) -> BodyNode { .text(l("works.kind.\(m.kind)")) }

    static func period(_ l: Localizer, _ m: InterventionModel) -> String {
        let first = CalendarDate(iso: m.firstDay).map { l.format.date($0) } ?? m.firstDay
        let last = CalendarDate(iso: m.lastDay).map { l.format.date($0) } ?? m.lastDay
        return first == last ? first : l("works.period_range", ["from": first, "to": last])
    }

    static func statusTag(_ l: Localizer, _ m: InterventionModel) -> BodyNode {
        let status: UI.TagStatus = switch m.workStatus {
        case .idea, .planned: .neutral
        case .scheduled: .info
        case .underWay: .warning
        case .done: .success
        case .cancelled: .error
        }
        return UI.tag(l("works.status.\(m.status)"), status)
    }

    static func table(_ l: Localizer, _ rows: [InterventionModel]) -> BodyNode {
        UI.table(caption: l("works.table"), columns: [
            .init(title: l("works.number")), .init(title: l("works.field.titre")), .init(title: l("works.field.genre")),
            .init(title: l("works.owner")), .init(title: l("works.when")), .init(title: l("works.field.statut")),
            .init(title: l("works.category")),
        ], rows: rows.map { m in [
            H.a(m.number, href: "/interventions/\(m.number)"), .text(m.title), kindTag(l, m), .text(m.organisation.name),
            .text(period(l, m)), statusTag(l, m), .text(l("works.category.\(m.category)")),
        ] })
    }

    static func map(_ layout: Layout, filter: WorksQueries.Filter, drawn: [InterventionModel], rows: [InterventionModel], total: Int,
                    page: Int, perPage: Int, organisations: [OrganisationModel], owners: [OrganisationModel],
                    territory: TerritoryDirectory, signedIn: Bool, leaflet: Leaflet?) -> String {
        let l = layout.l
        let query = filter.query
        let pageCount = max(1, (total + perPage - 1) / perPage)
        return layout.render(title: l("works.title"), breadcrumbs: crumbs(l),
            .h1(.text(l("works.title"))),
            .p(.class("lead"), .text(l(signedIn ? "works.lead_signed_in" : "works.lead_public"))),
            H.el("form", H.attr("action", "/interventions"), H.attr("method", "get"), .class("filters no-print"),
                 UI.textField(name: "du", label: l("works.filter.from"), value: filter.from?.iso ?? "", type: "date", width: "short"),
                 UI.textField(name: "au", label: l("works.filter.to"), value: filter.to?.iso ?? "", type: "date", width: "short"),
                 UI.select(name: "genre", label: l("works.field.genre"), options: [("", l("works.filter.all"))]
                           + WorkKind.allCases.map { ($0.rawValue, l("works.kind.\($0.rawValue)")) }, selected: filter.kind?.rawValue, error: nil),
                 UI.select(name: "statut", label: l("works.field.statut"), options: [("", l("works.filter.all"))]
                           + WorkStatus.allCases.map { ($0.rawValue, l("works.status.\($0.rawValue)")) }, selected: filter.status?.rawValue,
                           error: nil),
                 UI.select(name: "proprietaire", label: l("works.owner"), options: [("", l("works.filter.all"))]
                           + organisations.filter { $0.kind != .municipality }.map { ($0.code, $0.name) }, selected: filter.owner, error: nil),
                 UI.select(name: "region", label: l("works.filter.region"), options: [("", l("works.filter.all"))]
                           + territory.regions.map { ($0.record.code, "\($0.record.name) (\($0.record.code))") }, selected: filter.region,
                           error: nil),
                 UI.textField(name: "mrc", label: l("works.filter.mrc"), value: filter.mrc ?? "", hint: l("works.filter.mrc_hint"), width: "short"),
                 UI.textField(name: "municipalite", label: l("works.field.municipalite"), value: filter.municipality ?? "",
                              hint: l("works.filter.municipality_hint"), width: "short"),
                 UI.button(l("works.filter.apply"), kind: .secondary)),
            .p(.text(l("works.count", ["count": l.format.integer(total)]))),
            .div(.class("works-map"), .raw(WorksMap.svg(drawn, l: l))),
            .unwrap(leaflet) { leafletMap($0, l: l, geojson: "/interventions.geojson" + (query.isEmpty ? "" : "?" + query)) },
            drawn.count < total ? .p(.text(l("works.map_limit", ["count": l.format.integer(drawn.count)]))) : .empty,
            .p(.class("no-print"), H.a(l("works.download_geojson"), href: "/interventions.geojson" + (query.isEmpty ? "" : "?" + query)),
               .text(" · "), H.a(l("works.download_csv"), href: "/interventions.csv" + (query.isEmpty ? "" : "?" + query)),
               .text(" · "), H.a(l("works.open511"), href: "/open511/events"), .text(" · "),
               H.a(l("works.wzdx"), href: "/wzdx/v4.2/feed.geojson")),
            rows.isEmpty ? .p(.text(l("works.none"))) : table(l, rows),
            UI.pagination(l, page: page, pageCount: pageCount) { "/interventions?" + (query.isEmpty ? "" : query + "&") + "page=\($0)" },
            owners.isEmpty ? .empty : .group(
                .h2(.text(l("works.plan"))),
                H.ul(.forEach(owners) { o in H.li(H.a(l("works.plan_for", ["name": o.name]), href: "/organisations/\(o.code)/interventions/nouvelle")) }),
                .p(H.a(l("works.pairs.title"), href: "/interventions/paires"))))
    }

    /// What the page needs of Leaflet: the tiles, if any, and their attribution.
    struct Leaflet: Sendable {
        let tiles: String?
        let attribution: String
    }

    static func leafletFiles() -> BodyNode {
        .group(H.void("link", [.named("rel", "stylesheet"), .named("href", "/vendor/leaflet/leaflet.css")]),
               H.el("script", H.attr("src", "/vendor/leaflet/leaflet.js"), H.attr("defer", "")),
               H.el("script", H.attr("src", "/interventions/carte.js"), H.attr("defer", "")))
    }

    static func leafletMap(_ leaflet: Leaflet, l: Localizer, geojson: String) -> BodyNode {
        .group(H.el("div", H.attr("id", "carte-leaflet"), .class("works-leaflet"), H.attr("hidden", ""), H.attr("role", "region"),
                    H.attr("aria-label", l("works.map_interactive")), H.attr("data-geojson", geojson),
                    H.attr("data-tiles", leaflet.tiles), H.attr("data-attribution", leaflet.attribution)),
               leafletFiles())
    }

    static func show(_ layout: Layout, work m: InterventionModel, pairs: [WorkPairModel], mayChange: Bool, saved: Bool,
                     workingDays: WorkingDays) -> String {
        let l = layout.l
        let notice = WorksDTO.noticeBy(m, workingDays)
        let title = "\(m.number) — \(m.title)"
        return layout.render(title: title, breadcrumbs: crumbs(l, (m.number, nil)),
            .h1(.text(title)),
            saved ? UI.notice(pairs.isEmpty ? l("works.saved_alone") : l("works.saved_pairs", ["count": String(pairs.count)]),
                              kind: pairs.contains { $0.isConflict } ? .warning : .success, title: l("works.saved")) : .empty,
            UI.summaryList([
                (l("works.owner"), .text(m.organisation.name)),
                (l("works.field.genre"), kindTag(l, m)),
                (l("works.field.statut"), statusTag(l, m)),
                (l("works.when"), .text(period(l, m) + " — " + l(m.startVerified ? "works.verified" : "works.estimated"))),
                (l("works.category"), .text(l("works.category.\(m.category)") + " — " + l("works.notice_by", ["date": l.format.date(notice)]))),
                (l("works.field.visibilite"), .text(l("works.visibility.\(m.visibility)"))),
                (l("works.field.voies"), .text(m.roadNameList.isEmpty ? "—" : m.roadNameList.joined(separator: ", "))),
                (l("works.field.rtss"), .text(m.rtss ?? "—")),
                (l("works.field.etat_chaussee"), .text(l("works.road_state.\(m.roadState)")
                    + (m.lanesClosed.map { " — " + l("works.lanes_closed", ["count": String($0)]) } ?? ""))),
                (l("works.field.detour"), .text(m.detour.isEmpty ? "—" : m.detour)),
                (l("works.field.municipalite"), .text(m.municipalityCode ?? "—")),
                (l("works.sgaf"), .group(
                    .unwrap(m.applicationNumber) { H.a($0, href: "/demandes-aide/\($0)") },
                    m.applicationNumber != nil && m.agreementNumber != nil ? .text(" · ") : .empty,
                    .unwrap(m.agreementNumber) { H.a($0, href: "/conventions/\($0)") },
                    m.applicationNumber == nil && m.agreementNumber == nil ? .text("—") : .empty)),
                (l("works.contact"), .text([m.contactName, m.contactEmail, m.contactPhone].filter { !$0.isEmpty }.joined(separator: " · ")
                    .nonEmpty ?? "—")),
            ]),
            m.details.isEmpty ? .empty : .p(.class("pre-wrap"), .text(m.details)),
            .div(.class("works-map"), .raw(WorksMap.svg([m], l: l))),
            .h2(.id("paires"), .text(l("works.pairs.of_work"))),
            pairs.isEmpty ? .p(.text(l("works.pairs.none_for_work"))) : pairTable(l, pairs),
            mayChange ? .p(H.a(l("works.edit"), href: "/interventions/\(m.number)/modifier", .class("button button--secondary"))) : .empty)
    }

    static func pairTable(_ l: Localizer, _ pairs: [WorkPairModel]) -> BodyNode {
        UI.table(caption: l("works.pairs.title"), columns: [
            .init(title: l("works.pairs.kind")), .init(title: l("works.pairs.works")), .init(title: l("works.pairs.owners")),
            .init(title: l("works.pairs.gap")), .init(title: l("works.field.statut")),
        ], rows: pairs.map { p in [
            H.a(l(p.isConflict ? "works.pairs.conflict" : "works.pairs.opportunity"), href: "/interventions/paires/\(p.id?.uuidString ?? "")"),
            .group(H.a(p.first.number, href: "/interventions/\(p.first.number)"), .text(" — " + p.first.title), H.el("br"),
                   H.a(p.second.number, href: "/interventions/\(p.second.number)"), .text(" — " + p.second.title)),
            .text(p.first.organisation.name + " · " + p.second.organisation.name),
            .text(p.isConflict ? l("works.pairs.overlap") : l("works.pairs.days", ["count": String(p.gapDays)])),
            UI.tag(l("works.pair_status.\(p.status)"), p.pairStatus == .new ? .warning : p.pairStatus == .coordinated ? .success : .neutral),
        ] }, captionHidden: true)
    }

    static func form(_ layout: Layout, owner: OrganisationModel, work: InterventionModel?, input f: InterventionInput,
                     errors: FormInput.Errors, csrf: String, leaflet: Leaflet?) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let title = work.map { l("works.edit_title", ["number": $0.number]) } ?? l("works.new_title", ["name": owner.name])
        let action = work.map { "/interventions/\($0.number)" } ?? "/organisations/\(owner.code)/interventions"
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ key: (String) -> String) -> [(value: String, label: String)]
            where T.RawValue == String { T.allCases.map { ($0.rawValue, l(key($0.rawValue))) } }
        return layout.render(title: title, breadcrumbs: crumbs(l, (title, nil)),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", action), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 .unwrap(f.version) { H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", $0)]) },
                 UI.textField(name: "titre", label: l("works.field.titre"), value: f.titre ?? "", error: error("titre")),
                 UI.textArea(name: "description", label: l("works.field.description"), value: f.description ?? "",
                             error: error("description"), rows: 4),
                 UI.select(name: "genre", label: l("works.field.genre"), options: options(WorkKind.self) { "works.kind.\($0)" },
                           selected: f.genre ?? WorkKind.other.rawValue, error: error("genre")),
                 UI.select(name: "statut", label: l("works.field.statut"), options: options(WorkStatus.self) { "works.status.\($0)" },
                           selected: f.statut ?? WorkStatus.planned.rawValue, error: error("statut")),
                 UI.select(name: "visibilite", label: l("works.field.visibilite"), options: options(WorkVisibility.self) { "works.visibility.\($0)" },
                           selected: f.visibilite ?? WorkVisibility.public.rawValue, error: error("visibilite")),
                 .h2(.text(l("works.form.where"))),
                 .unwrap(leaflet) { leaflet in
                     .div(.id("dessin-leaflet-bloc"),
                          H.el("div", H.attr("id", "dessin-leaflet"), .class("works-leaflet"), H.attr("hidden", ""), H.attr("role", "region"),
                               H.attr("aria-label", l("works.draw_label")), H.attr("data-tiles", leaflet.tiles),
                               H.attr("data-attribution", leaflet.attribution)),
                          UI.select(name: "dessin_genre", label: l("works.draw_kind"),
                                    options: [("LineString", l("works.draw.line")), ("Point", l("works.draw.point")), ("Polygon", l("works.draw.polygon"))],
                                    selected: "LineString", error: nil),
                          H.el("button", H.attr("type", "button"), H.attr("id", "dessin-effacer"), .class("button button--secondary"),
                               .text(l("works.draw_clear"))),
                          leafletFiles())
                 },
                 UI.textArea(name: "geometrie", label: l("works.field.geometrie"), value: f.geometrie ?? "",
                             hint: l("works.field.geometrie_hint"), error: error("geometrie"), rows: 4),
                 UI.textField(name: "latitude", label: l("works.field.latitude"), value: f.latitude ?? "", hint: l("works.field.point_hint"),
                              error: error("latitude"), width: "short"),
                 UI.textField(name: "longitude", label: l("works.field.longitude"), value: f.longitude ?? "", error: error("longitude"),
                              width: "short"),
                 UI.textField(name: "municipalite", label: l("works.field.municipalite"), value: f.municipalite ?? "",
                              hint: l("works.filter.municipality_hint"), error: error("municipalite"), width: "short"),
                 UI.textArea(name: "voies", label: l("works.field.voies"), value: f.voies ?? "", hint: l("works.field.voies_hint"),
                             error: error("voies"), rows: 2),
                 UI.textField(name: "rtss", label: l("works.field.rtss"), value: f.rtss ?? "", hint: l("works.field.rtss_hint"),
                              error: error("rtss"), width: "short"),
                 .h2(.text(l("works.form.when"))),
                 UI.textField(name: "debut", label: l("works.field.debut"), value: f.debut ?? "", hint: l("works.field.period_hint"),
                              error: error("debut"), width: "short"),
                 verifiedBox("debut_verifie", l("works.field.debut_verifie") + " " + l("works.verified"), checked: f.debut_verifie != nil),
                 UI.textField(name: "fin", label: l("works.field.fin"), value: f.fin ?? "", error: error("fin"), width: "short"),
                 verifiedBox("fin_verifie", l("works.field.fin_verifie") + " " + l("works.verified"), checked: f.fin_verifie != nil),
                 .h2(.text(l("works.form.traffic"))),
                 UI.select(name: "etat_chaussee", label: l("works.field.etat_chaussee"), options: options(RoadState.self) { "works.road_state.\($0)" },
                           selected: f.etat_chaussee ?? RoadState.open.rawValue, error: error("etat_chaussee")),
                 UI.textField(name: "voies_fermees", label: l("works.field.voies_fermees"), value: f.voies_fermees ?? "",
                              error: error("voies_fermees"), width: "short"),
                 UI.textArea(name: "detour", label: l("works.field.detour"), value: f.detour ?? "", error: error("detour"), rows: 2),
                 .h2(.text(l("works.form.links"))),
                 UI.textField(name: "demande_aide", label: l("works.field.demande_aide"), value: f.demande_aide ?? "",
                              error: error("demande_aide"), width: "short"),
                 UI.textField(name: "convention", label: l("works.field.convention"), value: f.convention ?? "", error: error("convention"),
                              width: "short"),
                 UI.textField(name: "contact_nom", label: l("works.field.contact_nom"), value: f.contact_nom ?? "", error: error("contact_nom")),
                 UI.textField(name: "contact_courriel", label: l("works.field.contact_courriel"), value: f.contact_courriel ?? "",
                              error: error("contact_courriel"), type: "email"),
                 UI.textField(name: "contact_telephone", label: l("works.field.contact_telephone"), value: f.contact_telephone ?? "",
                              error: error("contact_telephone"), type: "tel", width: "short"),
                 UI.textField(name: "id_externe", label: l("works.field.id_externe"), value: f.id_externe ?? "", hint: l("works.field.id_externe_hint"),
                              error: error("id_externe"), width: "short"),
                 UI.button(l("works.save"))))
    }

    /// One checkbox posted under its own name (`debut_verifie=1`), as the form's input reads it
    /// (`UI.checkboxes` posts a list, `name[]`).
    static func verifiedBox(_ name: String, _ label: String, checked: Bool) -> BodyNode {
        .div(.class("field"),
             H.void("input", [.named("type", "checkbox"), .named("id", "champ-\(name)"), .named("name", name), .named("value", "1"),
                              .named("checked", checked ? "checked" : nil)]),
             .text(" "),
             H.el("label", H.attr("for", "champ-\(name)"), .text(label)))
    }

    static func pairs(_ layout: Layout, pairs: [WorkPairModel], status: WorkPairModel.Status?) -> String {
        let l = layout.l
        return layout.render(title: l("works.pairs.title"), breadcrumbs: crumbs(l, (l("works.pairs.title"), nil)),
            .h1(.text(l("works.pairs.title"))),
            .p(.class("lead"), .text(l("works.pairs.lead"))),
            .p(.class("no-print"), .group(.forEach([nil] + WorkPairModel.Status.allCases.map { Optional($0) }) { s in
                .group(s == status ? .strong(.text(l(s.map { "works.pair_status.\($0.rawValue)" } ?? "works.filter.all")))
                    : H.a(l(s.map { "works.pair_status.\($0.rawValue)" } ?? "works.filter.all"),
                          href: "/interventions/paires" + (s.map { "?statut=\($0.rawValue)" } ?? "")), .text(" "))
            })),
            pairs.isEmpty ? .p(.text(l("works.pairs.none"))) : pairTable(l, pairs))
    }

    static func pair(_ layout: Layout, pair p: WorkPairModel, comments: [WorkPairCommentModel], mayChange: Bool,
                     errors: FormInput.Errors, csrf: String) -> String {
        let l = layout.l
        let id = p.id?.uuidString ?? ""
        let title = l(p.isConflict ? "works.pairs.conflict" : "works.pairs.opportunity") + " — \(p.first.number) · \(p.second.number)"
        return layout.render(title: title, breadcrumbs: crumbs(l, (l("works.pairs.title"), "/interventions/paires"), (title, nil)),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.class("lead"), .text(l(p.isConflict ? "works.pairs.conflict_lead" : "works.pairs.opportunity_lead",
                                       ["count": String(p.gapDays)]))),
            UI.summaryList([
                (l("works.field.statut"), .group(UI.tag(l("works.pair_status.\(p.status)"), .info),
                                                 p.reason.isEmpty ? .empty : .text(" — " + p.reason))),
                (p.first.number, .group(H.a(p.first.title, href: "/interventions/\(p.first.number)"),
                                        .text(" — \(p.first.organisation.name), \(period(l, p.first))"))),
                (p.second.number, .group(H.a(p.second.title, href: "/interventions/\(p.second.number)"),
                                         .text(" — \(p.second.organisation.name), \(period(l, p.second))"))),
            ]),
            .div(.class("works-map"), .raw(WorksMap.svg([p.first, p.second], l: l))),
            mayChange ? H.el("form", H.attr("action", "/interventions/paires/\(id)/statut"), H.attr("method", "post"),
                             UI.csrfField(csrf),
                             H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(p.version))]),
                             UI.select(name: "statut", label: l("works.pairs.set_status"),
                                       options: WorkPairModel.Status.allCases.map { ($0.rawValue, l("works.pair_status.\($0.rawValue)")) },
                                       selected: p.status, error: FormInput.error(errors, "statut")),
                             UI.textField(name: "motif", label: l("works.pairs.reason"), value: p.reason, hint: l("works.pairs.reason_hint"),
                                          error: FormInput.error(errors, "motif")),
                             UI.button(l("works.pairs.save_status"))) : .empty,
            .h2(.id("commentaires"), .text(l("works.pairs.comments"))),
            comments.isEmpty ? .p(.text(l("works.pairs.no_comments"))) : H.ul(.forEach(comments) { c in
                H.li(.strong(.text(c.person.displayName)), .text(" — " + (c.createdAt.map { l.format.dateTime($0) } ?? "")),
                     .p(.class("pre-wrap"), .text(c.body)))
            }),
            H.el("form", H.attr("action", "/interventions/paires/\(id)/commentaires"), H.attr("method", "post"),
                 UI.csrfField(csrf),
                 UI.textArea(name: "commentaire", label: l("works.pairs.new_comment"), value: "", error: FormInput.error(errors, "commentaire"),
                             rows: 3),
                 UI.button(l("works.pairs.add_comment"), kind: .secondary)))
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
