import PasserelleCore
import Plot

/// Pages that belong to no module: errors, the API guide, the data sources.
enum GeneralViews {
    static func error(_ layout: Layout, status: UInt, message: String) -> String {
        let l = layout.l
        let title = l.catalog.messages["error_page.title.\(status)"] ?? l("error_page.title.other")
        return layout.render(title: title,
            .h1(.text(title)),
            .p(.class("lead"), .text(message)),
            .p(.text(l("error_page.search_hint"))),
            UI.searchForm(l, query: "", id: "recherche-erreur"),
            .p(H.a(l("error_page.home"), href: "/")))
    }

    static func apiGuide(_ layout: Layout) -> String {
        let l = layout.l
        let routes: [(String, String)] = [
            ("GET /api/v1/regions", "api_guide.regions"), ("GET /api/v1/regions/{code}", "api_guide.region"),
            ("GET /api/v1/mrc?region=", "api_guide.units"), ("GET /api/v1/mrc/{code}", "api_guide.unit"),
            ("GET /api/v1/municipalites?q=&region=&mrc=&designation=&statut=&page=&per_page=", "api_guide.municipalities"),
            ("GET /api/v1/municipalites/{code}", "api_guide.municipality"),
            ("GET /api/v1/openapi.json", "api_guide.openapi"),
            ("GET /api/v1/moi", "api_guide.me"),
            ("GET /api/v1/organisations/{code}/personnes", "api_guide.people"),
            ("GET /api/v1/journal?type=&enregistrement=&personne=&organisation=&du=&au=&page=", "api_guide.journal"),
            ("POST /api/v1/organisations/{code}/demandes", "api_guide.file_request"),
            ("GET /api/v1/demandes?statut=&unite=&moi=&q=&page=", "api_guide.requests"),
            ("GET /api/v1/demandes/{numero}", "api_guide.request"),
            ("GET /api/v1/programmes, /api/v1/programmes/{programme}", "api_guide.programs"),
            ("GET /api/v1/appels/{appel}", "api_guide.call"),
            ("GET /api/v1/demandes-aide?page=, /api/v1/demandes-aide/{numero}", "api_guide.applications"),
            ("GET /api/v1/conventions?etat=&page=, /api/v1/conventions/{numero}", "api_guide.agreements"),
            ("GET /api/v1/organisations/{code}/portes-entree", "api_guide.entry_points"),
            ("GET /api/v1/reseau-liaison", "api_guide.network"),
            ("GET /api/v1/capacite?unite=&du=&au=, /api/v1/capacite/bilan", "api_guide.capacity"),
        ]
        return layout.render(title: l("api_guide.title"), breadcrumbs: [(l("nav.home"), "/"), (l("api_guide.title"), nil)],
            .h1(.text(l("api_guide.title"))),
            .p(.class("lead"), .text(l("api_guide.lead"))),
            UI.table(caption: l("api_guide.routes"), columns: [.init(title: l("api_guide.route")), .init(title: l("api_guide.what"))],
                     rows: routes.map { [.code(.text($0.0)), .text(l($0.1))] }),
            .h2(.text(l("api_guide.conventions"))),
            H.ul(H.li(.text(l("api_guide.naming"))), H.li(.text(l("api_guide.dates"))),
                H.li(.text(l("api_guide.pagination"))), H.li(.text(l("api_guide.parameters"))), H.li(.text(l("api_guide.caching"))),
                H.li(.text(l("api_guide.errors"))), H.li(.text(l("api_guide.language")))),
            .p(H.a(l("footer.openapi"), href: "/api/v1/openapi.json")),
            .h2(.id("open311"), .text(l("api_guide.open311"))),
            .p(.text(l("api_guide.open311_lead"))),
            UI.table(caption: l("api_guide.open311"), columns: [.init(title: l("api_guide.route")), .init(title: l("api_guide.what"))],
                     rows: [
                        ("GET /open311/v2/discovery.json", "api_guide.open311_discovery"),
                        ("GET /open311/v2/services.json", "api_guide.open311_services"),
                        ("GET /open311/v2/services/{service_code}.json", "api_guide.open311_definition"),
                        ("POST /open311/v2/requests.json", "api_guide.open311_post"),
                        ("GET /open311/v2/requests.json?api_key=&service_request_id=&service_code=&start_date=&end_date=&status=",
                         "api_guide.open311_list"),
                        ("GET /open311/v2/requests/{id}.json?api_key=", "api_guide.open311_one"),
                        ("GET /open311/v2/tokens/{token}.json?api_key=", "api_guide.open311_token"),
                        ("GET /open311/v2/servicerequestupdates.json?api_key=&start_date=&end_date=", "api_guide.open311_updates"),
                     ].map { [.code(.text($0.0)), .text(l($0.1))] }, captionHidden: true),
            .h3(.text(l("api_guide.open311_deviations"))),
            H.ul(H.li(.text(l("api_guide.open311_dev_read"))), H.li(.text(l("api_guide.open311_dev_location"))),
                 H.li(.text(l("api_guide.open311_dev_files"))), H.li(.text(l("api_guide.open311_dev_title")))))
    }

    static func sources(_ layout: Layout) -> String {
        let l = layout.l
        return layout.render(title: l("sources.title"), breadcrumbs: [(l("nav.home"), "/"), (l("sources.title"), nil)],
            .h1(.text(l("sources.title"))),
            .h2(.text(l("sources.repertoire_title"))),
            .p(.text(l("footer.attribution"))),
            .p(.text(l("sources.repertoire_text"))),
            .h2(.text(l("sources.coordinates_title"))),
            .p(.text(l("sources.coordinates_text"))),
            .h2(.text(l("sources.regions_title"))),
            .p(.text(l("sources.regions_text"))),
            .h2(.text(l("sources.changes_title"))),
            .p(.text(l("sources.changes_text"))))
    }
}
