import Foundation
import PasserelleCore
import Plot

extension TerritoryViews {
    /// What the list form was given, kept as typed so a bad value can be corrected in place.
    struct ListForm {
        var q = ""
        var region = ""
        var mrc = ""
        var designation = ""
        var statut = "actif"
        var errors: [(field: String, message: String)] = []
    }

    static func municipalityList(_ layout: Layout, form: ListForm, page: TerritoryQueries.Page<TerritoryDirectory.Municipality>?,
                                 directory d: TerritoryDirectory, pageURL: (Int) -> String) -> String {
        let l = layout.l
        func error(_ field: String) -> String? { form.errors.first { $0.field == field }?.message }
        let regionOptions = [("", l("filter.all_regions"))] + d.regions.map { ($0.record.code, $0.record.name) }
        let designationOptions = [("", l("filter.all_designations"))] + d.designations.map { ($0.code, $0.name) }
        let statusOptions = TerritoryQueries.Status.allCases.map { ($0.rawValue, l("filter.status.\($0.rawValue)")) }
        let title = l("municipalities.title")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: form.errors),
            H.el("form", H.attr("action", "/municipalites"), H.attr("method", "get"), .class("filters"),
                 UI.textField(name: "q", label: l("filter.name"), value: form.q, error: error("q")),
                 UI.select(name: "region", label: l("filter.region"), options: regionOptions, selected: form.region,
                           error: error("region")),
                 UI.textField(name: "mrc", label: l("filter.mrc"), value: form.mrc, hint: l("filter.mrc_hint"),
                              error: error("mrc"), width: "short"),
                 UI.select(name: "designation", label: l("filter.designation"), options: designationOptions,
                           selected: form.designation, error: error("designation")),
                 UI.select(name: "statut", label: l("filter.status"), options: statusOptions, selected: form.statut,
                           error: error("statut")),
                 UI.button(l("filter.submit"))),
            .unwrap(page) { page in
                .group(
                    .p(H.attr("role", "status"), .text(l("municipalities.count", ["count": l.format.integer(page.total)]))),
                    page.total == 0 ? UI.notice(l("municipalities.none")) :
                        municipalityTable(l, page.items, caption: title, directory: d, captionHidden: true),
                    UI.pagination(l, page: page.page, pageCount: page.pageCount, url: pageURL))
            })
    }

    static func search(_ layout: Layout, query: String, regions: [TerritoryDirectory.Region],
                       units: [TerritoryDirectory.Unit], municipalities: [TerritoryDirectory.Municipality],
                       totalMunicipalities: Int, directory d: TerritoryDirectory, error: String?) -> String {
        let l = layout.l
        let title = query.isEmpty ? l("search.title") : l("search.title_with_query", ["query": query])
        let nothing = regions.isEmpty && units.isEmpty && municipalities.isEmpty
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("search.title"), nil)],
            .h1(.text(title)),
            .unwrap(error) { UI.errorSummary(title: l("form.error_summary"), errors: [("recherche", $0)]) },
            UI.searchForm(l, query: query),
            query.isEmpty || error != nil ? .p(.text(l("search.hint"))) : .group(
                nothing ? UI.notice(l("search.nothing", ["query": query])) : .empty,
                regions.isEmpty ? .empty : .group(.h2(.text(l("search.regions"))),
                    H.ul(.forEach(regions) { H.li(H.a($0.record.name, href: "/regions/\($0.record.code)")) })),
                units.isEmpty ? .empty : .group(.h2(.text(l("search.mrc"))),
                    unitTable(l, units, caption: l("search.mrc"))),
                municipalities.isEmpty ? .empty : .group(
                    .h2(.text(l("search.municipalities"))),
                    municipalityTable(l, municipalities, caption: l("search.municipalities"), directory: d, captionHidden: true),
                    totalMunicipalities > municipalities.count
                        ? .p(H.a(l("search.all_municipalities", ["count": l.format.integer(totalMunicipalities)]),
                                 href: "/municipalites?q=\(query.addingPercentEncodingForQuery)"))
                        : .empty)))
    }
}

extension String {
    var addingPercentEncodingForQuery: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
