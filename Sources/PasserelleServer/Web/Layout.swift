import PasserelleCore
import Plot
import Vapor

/// The frame of every page: skip link, header with the product name and the language toggle,
/// main navigation, search, breadcrumbs, and the footer with the data attribution.
struct Layout {
    let l: Localizer
    /// The path and query of the page, to build the language toggle link.
    let path: String
    let query: String?
    var searchQuery = ""

    /// Pages are cached by path and by the parameters they read, so the frame keeps only those:
    /// a stray parameter of the first visitor must not end up in everyone's copy.
    static let pageParameters: Set<Substring> = ["q", "region", "mrc", "designation", "statut", "page"]
    static let searchPages: Set<String> = ["/recherche", "/municipalites"]

    init(_ request: Request) {
        let path = request.url.path
        let readsQuery = Self.searchPages.contains(path)
        let kept = (request.url.query ?? "").split(separator: "&").filter { pair in
            readsQuery && Self.pageParameters.contains(pair.prefix { $0 != "=" })
        }
        let query = kept.isEmpty ? nil : kept.joined(separator: "&")
        self.l = request.localizer
        self.path = path
        self.query = query
        self.searchQuery = readsQuery ? QueryParameters(query)["q"] ?? "" : ""
    }

    /// A page built from plain values, without a request (a view's test).
    init(_ localizer: Localizer, path: String, query: String? = nil) {
        self.l = localizer
        self.path = path
        self.query = query
    }

    /// The page in a language of its own (a letter in its addressee's language).
    init(_ request: Request, language: PasserelleCore.Language) {
        self.l = Localizer(language)
        self.path = request.url.path
        self.query = nil
    }

    /// The same page in the other language.
    var toggleURL: String {
        let kept = (query ?? "").split(separator: "&").filter { !$0.hasPrefix("lang=") }
        return path + "?" + (kept + ["lang=\(l.language.other.rawValue)"]).joined(separator: "&")
    }

    func render(title: String, breadcrumbs: [(label: String, href: String?)] = [], _ content: BodyNode...) -> String {
        let document = HTML(
            .attribute(named: "lang", value: l.language.rawValue),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Plot's `.title` also writes social-media meta tags without escaping their content:
                // a plain, escaped <title> only.
                .element(named: "title", text: "\(title) — \(l("app.name"))"),
                .link(.rel(.stylesheet), .href(Assets.stylesheetURL))
            ),
            .body(
                H.link(.class("skip-link"), H.attr("href", "#contenu"), .text(l("layout.skip_to_content"))),
                header,
                .div(.class("container"),
                     UI.breadcrumbs(l, breadcrumbs),
                     .main(.id("contenu"), H.attr("tabindex", "-1"), .group(content))),
                footer
            )
        )
        return document.render()
    }

    private var header: BodyNode {
        .header(.class("site-header"),
            .div(.class("container site-header__bar"),
                 H.link(.class("site-header__brand"), H.attr("href", "/"), .text(l("app.name"))),
                 .span(.class("site-header__tagline"), .text(l("app.tagline"))),
                 H.link(.class("site-header__language"), H.attr("href", toggleURL),
                    H.attr("lang", l.language.other.rawValue), H.attr("hreflang", l.language.other.rawValue),
                    .text(l("layout.other_language")))),
            .div(.class("container site-header__tools"),
                 .nav(.class("main-nav"), H.attr("aria-label", l("layout.main_navigation")),
                      H.ul(navItem("nav.home", "/"), navItem("nav.regions", "/regions"),
                          navItem("nav.municipalities", "/municipalites"), navItem("nav.requests", "/demandes"),
                          navItem("nav.grants", "/programmes"), navItem("nav.works", "/interventions"),
                          navItem("nav.api", "/api"), navItem("nav.portal", "/accueil"),
                          navItem("nav.account", "/mon-compte"))),
                 UI.searchForm(l, query: searchQuery, id: "recherche-entete")))
    }

    private func navItem(_ key: String, _ href: String) -> BodyNode {
        let current = href == "/" ? path == "/" : path.hasPrefix(href)
        return H.li(H.link(H.attr("href", href), current ? H.attr("aria-current", "page") : .empty, .text(l(key))))
    }

    private var footer: BodyNode {
        .footer(.class("site-footer"),
            .div(.class("container"),
                 .p(.text(l("footer.attribution"))),
                 .p(.text(l("footer.coordinates"))),
                 H.ul(.class("site-footer__links"),
                     H.li(H.link(H.attr("href", "/api"), .text(l("footer.api")))),
                     H.li(H.link(H.attr("href", "/api/v1/openapi.json"), .text(l("footer.openapi")))),
                     H.li(H.link(H.attr("href", "/sources"), .text(l("footer.sources")))))))
    }
}

extension Response {
    static func html(_ text: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: text))
    }
}
