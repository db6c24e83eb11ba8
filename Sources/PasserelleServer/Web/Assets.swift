import Crypto
import Foundation
import Vapor

/// The stylesheet, served with a content hash in its URL so browsers may keep it for a year.
/// Colours and type from the Québec design system's tokens (STYLE.md); no inline styles, so the
/// Content-Security-Policy needs no `unsafe-inline`.
enum Assets {
    static let stylesheet = """
    :root {
      --blue: #095797; --text: #223654; --focus: #4a98d9; --error: #cb381f; --success: #4f813d;
      --warning: #e0ad03; --border: #6b778a; --light: #f1f1f2; --white: #fff;
      --font-text: "Open Sans", system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      --font-heading: Roboto, "Open Sans", system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
    }
    * { box-sizing: border-box; }
    html { font-size: 100%; }
    body { margin: 0; font-family: var(--font-text); color: var(--text); background: var(--white); line-height: 1.5; }
    h1, h2, h3 { font-family: var(--font-heading); color: var(--text); line-height: 1.25; }
    h1 { font-size: 2rem; margin: 1.5rem 0 1rem; }
    h2 { font-size: 1.5rem; margin: 2rem 0 .75rem; }
    a { color: var(--blue); text-decoration: underline; }
    a:hover { text-decoration-thickness: 2px; }
    a:focus, button:focus, input:focus, select:focus, main:focus-visible, [tabindex]:focus {
      outline: 3px solid var(--focus); outline-offset: 2px; }
    main:focus { outline: none; }
    .container { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
    .visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
      overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
    .skip-link { position: absolute; left: -9999px; top: 0; background: var(--white); color: var(--blue); padding: .5rem 1rem; z-index: 10; }
    .skip-link:focus { left: 1rem; }
    .site-header { background: var(--blue); color: var(--white); }
    .site-header a { color: var(--white); }
    .site-header__bar { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1rem; padding-top: .75rem; padding-bottom: .5rem; }
    .site-header__brand { font-family: var(--font-heading); font-size: 1.5rem; font-weight: 700; text-decoration: none; }
    .site-header__tagline { flex: 1; }
    .site-header__tools { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 1rem; padding-bottom: .75rem; }
    .main-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1.25rem; margin: 0; padding: 0; }
    .main-nav a[aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
    .site-header a:focus { outline-color: var(--white); }
    .search { display: flex; gap: .5rem; }
    .search__input { min-width: 16rem; padding: .5rem; border: 1px solid var(--border); font: inherit; }
    .breadcrumbs ol { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: 1rem 0 0; font-size: .9rem; }
    .breadcrumbs li + li::before { content: "›"; margin-right: .5rem; }
    .button { display: inline-block; padding: .5rem 1.25rem; font: inherit; font-weight: 600; border: 2px solid var(--blue); cursor: pointer; }
    .button--primary { background: var(--blue); color: var(--white); }
    .site-header .button--primary { border-color: var(--white); }
    .button--secondary { background: var(--white); color: var(--blue); }
    .field { margin-bottom: 1.25rem; }
    .field__label { display: block; font-weight: 600; margin-bottom: .25rem; }
    .field__hint { color: #4e5662; margin-bottom: .25rem; }
    .field__error { color: var(--error); font-weight: 600; margin: 0 0 .25rem; }
    .field--error { border-left: 4px solid var(--error); padding-left: .75rem; }
    .field__input, .field__select { padding: .5rem; border: 1px solid var(--border); font: inherit; max-width: 100%; }
    .field--error .field__input, .field--error .field__select { border: 2px solid var(--error); }
    .field__input--short { width: 8rem; }
    .fieldset { border: 0; padding: 0; }
    .field__textarea { width: 100%; max-width: 40rem; }
    .message { border-left: 4px solid var(--border); padding: .5rem 1rem; margin: 0 0 1rem; }
    .message--note { border-left-color: #e0a800; background: #fff8e1; }
    .message__meta { color: #4e5662; font-size: .9rem; margin: 0 0 .25rem; }
    .checkbox { margin: .25rem 0; }
    .checkbox input { margin-right: .5rem; }
    .inline-form { display: inline-block; margin: 0 .5rem .25rem 0; }
    .token-once { font-family: monospace; font-size: 1.1rem; padding: .75rem; border: 2px dashed var(--border); word-break: break-all; }
    .filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; background: var(--light); padding: 1rem; margin-bottom: 1rem; }
    .filters .field { margin-bottom: 0; }
    .error-summary { border: 4px solid var(--error); padding: 1rem 1.5rem; margin: 1rem 0; }
    .error-summary__title { margin-top: 0; }
    .error-summary a { color: var(--error); font-weight: 600; }
    .table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
    .table__caption { text-align: left; font-weight: 700; font-size: 1.125rem; padding-bottom: .5rem; }
    .table th, .table td { border-bottom: 1px solid #c5cad2; padding: .5rem .75rem .5rem 0; text-align: left; vertical-align: top; }
    .table thead th { border-bottom: 2px solid var(--text); }
    .table .numeric { text-align: right; font-variant-numeric: tabular-nums; }
    .tag { display: inline-block; padding: .1rem .5rem; font-size: .875rem; font-weight: 700; border: 1px solid; }
    .tag--info { color: var(--blue); background: #dae6f0; }
    .tag--success { color: #2f4d24; background: #e1ecdc; }
    .tag--warning { color: #5c4700; background: #fbf0c8; }
    .tag--error { color: #8b2615; background: #f7dcd7; }
    .tag--neutral { color: var(--text); background: var(--light); }
    .summary-list { margin: 0 0 1.5rem; }
    .summary-list__row { display: flex; flex-wrap: wrap; border-bottom: 1px solid #c5cad2; padding: .5rem 0; }
    .summary-list__key { flex: 0 0 18rem; font-weight: 600; }
    .summary-list__value { margin: 0; flex: 1; }
    .notice { border-left: 6px solid var(--blue); background: #dae6f0; padding: .75rem 1rem; margin: 1rem 0; }
    .notice p { margin: .25rem 0; }
    .notice--success { border-color: var(--success); background: #e1ecdc; }
    .notice--warning { border-color: var(--warning); background: #fbf0c8; }
    .notice--error { border-color: var(--error); background: #f7dcd7; }
    .pagination ul { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; }
    .pagination a { display: inline-block; padding: .25rem .6rem; border: 1px solid var(--border); text-decoration: none; }
    .pagination .pagination__current { background: var(--blue); color: var(--white); border-color: var(--blue); }
    .stats { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
    .stats li { flex: 1 1 12rem; border-top: 4px solid var(--blue); background: var(--light); padding: 1rem; }
    .stats strong { display: block; font-size: 1.75rem; font-family: var(--font-heading); }
    .lead { font-size: 1.2rem; max-width: 48rem; }
    .site-footer { margin-top: 3rem; background: var(--light); border-top: 4px solid var(--blue); padding: 1rem 0 2rem; font-size: .9rem; }
    .site-footer__links { list-style: none; display: flex; flex-wrap: wrap; gap: 1.5rem; padding: 0; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; padding: 0; list-style: none; }
    .card { border: 1px solid var(--border); border-top: 6px solid var(--blue); padding: 1rem 1.25rem; background: var(--white); }
    .card h2, .card h3 { margin-top: 0; }
    .card__entry { margin: 0 0 .75rem; }
    .card__entry dt { font-weight: bold; }
    .card__entry dd { margin: 0; }
    .pre-wrap { white-space: pre-wrap; }
    figure { margin: 1rem 0; }
    .chart { width: 100%; max-width: 48rem; height: auto; display: block; }
    .chart__bar { fill: var(--blue); }
    .chart__bar--second { fill: #8a9a5b; }
    .chart__bar--third { fill: #b5651d; }
    .chart__grid { stroke: var(--border); stroke-width: 1; }
    .chart__axis, .chart__legend { font-size: 12px; fill: var(--text); }
    @media print {
      .site-header__tools, .skip-link, .site-footer__links, .pagination, .search, .breadcrumbs, .no-print { display: none; }
      .site-header { background: none; color: var(--text); } .site-header a { color: var(--text); }
      .card { break-inside: avoid; border-color: #000; }
      .card--sheet { border: none; padding: 0; }
      @page { size: letter; margin: 1.5cm; }
    }
    .works-map { margin: 1rem 0; border: 1px solid #c5cad2; }
    .works-map__svg { display: block; width: 100%; height: auto; }
    .works-leaflet { height: 480px; margin: 1rem 0; border: 1px solid #c5cad2; }
    .filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; }
    """

    static let stylesheetBytes = ByteBuffer(string: stylesheet)
    static let stylesheetHash = String(SHA256.hash(data: Data(stylesheet.utf8)).map { String(format: "%02x", $0) }.joined().prefix(12))
    static let stylesheetURL = "/assets/passerelle-\(stylesheetHash).css"

    static func stylesheetResponse(_ request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        return Response(status: .ok, headers: headers, body: .init(buffer: stylesheetBytes))
    }
}
