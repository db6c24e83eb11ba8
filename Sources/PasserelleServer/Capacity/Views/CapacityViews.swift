import Foundation
import PasserelleCore
import Plot

/// Charts drawn on the server as SVG (no script), each followed by its data table.
enum Charts {
    struct Series {
        let label: String
        let cssClass: String
        let values: [Int]
    }

    /// Vertical bars, one group per category (weeks), one bar per series.
    static func bars(id: String, title: String, categories: [String], series: [Series]) -> BodyNode {
        let width = 720.0, height = 260.0, left = 48.0, bottom = 40.0, top = 16.0
        let top1 = max(1, series.flatMap(\.values).max() ?? 1)
        let scale = Double(niceCeiling(top1))
        let plotWidth = width - left - 8, plotHeight = height - bottom - top
        let group = plotWidth / Double(max(categories.count, 1))
        let bar = max(2, (group - 6) / Double(max(series.count, 1)))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(id)-titre\">"
        svg += "<title id=\"\(id)-titre\">\(H.escapeText(title))</title>"
        for step in 0...4 {
            let y = top + plotHeight - plotHeight * Double(step) / 4
            svg += "<line class=\"chart__grid\" x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 8)\" y2=\"\(y)\"/>"
            svg += "<text class=\"chart__axis\" x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Int(scale) * step / 4)</text>"
        }
        for (index, category) in categories.enumerated() {
            let x0 = left + group * Double(index) + 3
            for (s, serie) in series.enumerated() {
                let value = index < serie.values.count ? serie.values[index] : 0
                let h = plotHeight * Double(value) / scale
                svg += "<rect class=\"\(serie.cssClass)\" x=\"\(x0 + bar * Double(s))\" y=\"\(top + plotHeight - h)\" width=\"\(bar)\" height=\"\(h)\"/>"
            }
            if categories.count <= 14 || index % max(1, categories.count / 12) == 0 {
                svg += "<text class=\"chart__axis\" x=\"\(x0 + group / 2 - 3)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(H.escapeText(category))</text>"
            }
        }
        for (s, serie) in series.enumerated() {
            let x = left + Double(s) * 160
            svg += "<rect class=\"\(serie.cssClass)\" x=\"\(x)\" y=\"\(height - 14)\" width=\"10\" height=\"10\"/>"
            svg += "<text class=\"chart__legend\" x=\"\(x + 14)\" y=\"\(height - 5)\">\(H.escapeText(serie.label))</text>"
        }
        return .raw(svg + "</svg>")
    }

    /// Horizontal bars, one per row, with its value written at its end.
    static func rows(id: String, title: String, rows: [(label: String, value: Double, text: String)], maximum: Double? = nil) -> BodyNode {
        let width = 720.0, label = 240.0, rowHeight = 26.0
        let height = rowHeight * Double(max(rows.count, 1)) + 8
        let scale = max(maximum ?? rows.map(\.value).max() ?? 1, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(id)-titre\">"
        svg += "<title id=\"\(id)-titre\">\(H.escapeText(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let w = (width - label - 80) * row.value / scale
            svg += "<text class=\"chart__axis\" x=\"\(label - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(H.escapeText(String(row.label.prefix(40))))</text>"
            svg += "<rect class=\"chart__bar\" x=\"\(label)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"\(rowHeight - 8)\"/>"
            svg += "<text class=\"chart__legend\" x=\"\(label + w + 6)\" y=\"\(y + 16)\">\(H.escapeText(row.text))</text>"
        }
        return .raw(svg + "</svg>")
    }

    /// 1, 2, 5, 10, 20, 50… at or above the value.
    static func niceCeiling(_ value: Int) -> Int {
        var magnitude = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        for step in [1, 2, 5, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}

enum CapacityViews {
    static func percent(_ l: Localizer, _ rate: CapacityFigures.Rate) -> String {
        rate.percent.map { l.format.decimal($0, places: 1) + (l.language == .frCA ? "\u{00A0}%" : "%") } ?? "—"
    }

    static func filters(_ l: Localizer, action: String, scope: CapacityPages.Scope) -> BodyNode {
        H.el("form", H.attr("action", action), H.attr("method", "get"), .class("filters no-print"),
             UI.select(name: "unite", label: l("capacity.unit"), options: [("", l("capacity.all_units"))] + scope.units.map { ($0.code, $0.name) },
                       selected: scope.unit?.code, error: FormInput.error(scope.errors, "unite")),
             UI.textField(name: "du", label: l("capacity.from"), value: scope.from.iso, hint: l("meeting.date_hint"),
                          error: FormInput.error(scope.errors, "du"), type: "date", width: "short"),
             UI.textField(name: "au", label: l("capacity.to"), value: scope.to.iso, error: FormInput.error(scope.errors, "au"),
                          type: "date", width: "short"),
             UI.button(l("meeting.show"), kind: .secondary))
    }

    static func rateTable(_ l: Localizer, caption: String, _ rows: [(name: String, rate: CapacityFigures.Rate)]) -> BodyNode {
        UI.table(caption: caption, columns: [.init(title: l("capacity.name")), .init(title: l("capacity.answered"), numeric: true),
                                             .init(title: l("capacity.answered_on_time"), numeric: true),
                                             .init(title: l("capacity.on_time_rate"), numeric: true)],
                 rows: rows.map { [.text($0.name), .text(l.format.integer($0.rate.total)), .text(l.format.integer($0.rate.onTime)),
                                   .text(percent(l, $0.rate))] })
    }

    /// The figures as sections: charts with their tables.
    static func sections(_ l: Localizer, _ f: CapacityFigures, idPrefix: String) -> BodyNode {
        let weekLabels = f.weeks.map { f.byMonth ? String($0.week.iso.prefix(7)) : String($0.week.iso.suffix(5)) }
        return .group(
            UI.summaryList([
                (l("capacity.filed_total"), .text(l.format.integer(f.filed))),
                (l("capacity.closed_total"), .text(l.format.integer(f.closed))),
                (l("capacity.on_time"), .text(percent(l, f.onTime) + " (" + l("capacity.of_answers", ["count": l.format.integer(f.onTime.total)]) + ")")),
                (l("capacity.median_answer"), .text(f.medianAnswerDays.map { l("capacity.days", ["count": String($0)]) } ?? "—")),
                (l("capacity.median_close"), .text(f.medianCloseDays.map { l("capacity.days", ["count": String($0)]) } ?? "—")),
                (l("capacity.satisfaction"), .text(f.ratingAverage.map { l("capacity.rating_average", ["average": l.format.decimal($0, places: 1),
                                                                                                        "count": l.format.integer(f.ratingCount)]) } ?? "—")),
            ]),
            .h2(.text(l(f.byMonth ? "capacity.flow_month" : "capacity.flow"))),
            .element(named: "figure", nodes: [
                Charts.bars(id: "\(idPrefix)flux", title: l("capacity.flow"), categories: weekLabels, series: [
                    .init(label: l("capacity.filed"), cssClass: "chart__bar", values: f.weeks.map(\.filed)),
                    .init(label: l("capacity.closed"), cssClass: "chart__bar chart__bar--second", values: f.weeks.map(\.closed)),
                ]),
                .element(named: "figcaption", nodes: [.text(l("capacity.flow_caption"))]),
            ]),
            UI.table(caption: l("capacity.flow"), columns: [.init(title: l(f.byMonth ? "capacity.month" : "capacity.week")),
                                                           .init(title: l("capacity.filed"), numeric: true),
                                                           .init(title: l("capacity.closed"), numeric: true)],
                     rows: f.weeks.map { [.text(f.byMonth ? UI.monthName(l, $0.week.year, $0.week.month) : l.format.date($0.week)),
                                          .text(l.format.integer($0.filed)), .text(l.format.integer($0.closed))] }),
            .unwrap(f.backlog) { backlog in
                .group(
                    .h2(.text(l("capacity.backlog"))),
                    .element(named: "figure", nodes: [
                        Charts.rows(id: "\(idPrefix)retard", title: l("capacity.backlog"),
                                    rows: backlog.enumerated().map { (l("capacity.band.\($0.offset)"), Double($0.element), l.format.integer($0.element)) }),
                        .element(named: "figcaption", nodes: [.text(l("capacity.backlog_caption"))]),
                    ]),
                    UI.table(caption: l("capacity.backlog"), columns: [.init(title: l("capacity.age")), .init(title: l("capacity.requests"), numeric: true)],
                             rows: backlog.enumerated().map { [.text(l("capacity.band.\($0.offset)")), .text(l.format.integer($0.element))] }))
            },
            .h2(.text(l("capacity.on_time_type"))),
            .element(named: "figure", nodes: [
                Charts.rows(id: "\(idPrefix)types", title: l("capacity.on_time_type"),
                            rows: f.byType.map { ($0.name, $0.rate.percent ?? 0, percent(l, $0.rate)) }, maximum: 100),
            ]),
            rateTable(l, caption: l("capacity.on_time_type"), f.byType),
            .h2(.text(l("capacity.on_time_unit"))),
            rateTable(l, caption: l("capacity.on_time_unit"), f.byUnit),
            .h2(.text(l("capacity.on_time_agent"))),
            .p(.text(l("capacity.agents_rule", ["minimum": String(CapacityQueries.minimumVolume), "count": String(f.agentsBelowMinimum)]))),
            f.byAgent.isEmpty ? .p(.text(l("capacity.none"))) : rateTable(l, caption: l("capacity.on_time_agent"), f.byAgent),
            .h2(.text(l("capacity.satisfaction"))),
            .element(named: "figure", nodes: [
                Charts.rows(id: "\(idPrefix)avis", title: l("capacity.satisfaction"),
                            rows: (1...5).reversed().map { (l("request.rating.\($0)"), Double(f.ratings[$0] ?? 0), l.format.integer(f.ratings[$0] ?? 0)) }),
            ]),
            UI.table(caption: l("capacity.satisfaction"), columns: [.init(title: l("capacity.rating")), .init(title: l("capacity.requests"), numeric: true)],
                     rows: (1...5).reversed().map { [.text(l("request.rating.\($0)")), .text(l.format.integer(f.ratings[$0] ?? 0))] }))
    }

    static func dashboard(_ layout: Layout, scope: CapacityPages.Scope, figures: CapacityFigures, query: String) -> String {
        let l = layout.l
        let title = l("capacity.title")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title) , .text(scope.unit.map { " — " + $0.name } ?? "")),
            .p(.class("lead"), .text(l("capacity.lead", ["from": l.format.date(scope.from), "to": l.format.date(scope.to)]))),
            UI.errorSummary(title: l("form.error_summary"), errors: scope.errors),
            filters(l, action: "/capacite", scope: scope),
            .p(.class("no-print"), H.a(l("capacity.csv"), href: "/capacite.csv" + (query.isEmpty ? "" : "?" + query)), .text(" · "),
               H.a(l("capacity.report"), href: "/capacite/bilan" + (scope.unit.map { "?unite=\($0.code)" } ?? ""))),
            sections(l, figures, idPrefix: ""))
    }

    static func change(_ l: Localizer, _ now: Double?, _ before: Double?, places: Int = 1, unit: String = "") -> String {
        guard let now, let before else { return "—" }
        let delta = now - before
        return (delta > 0 ? "+" : delta < 0 ? "−" : "±") + l.format.decimal(abs(delta), places: places) + unit
    }

    static func report(_ layout: Layout, scope: CapacityPages.Scope, current: CapacityFigures, previous: CapacityFigures) -> String {
        let l = layout.l
        let title = l("capacity.report_title", ["from": l.format.date(current.from), "to": l.format.date(current.to)])
        func row(_ label: String, _ now: String, _ before: String, _ delta: String) -> [BodyNode] {
            [.text(label), .text(now), .text(before), .text(delta)]
        }
        let pct = l.language == .frCA ? "\u{00A0}pt" : " pt"
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("capacity.title"), "/capacite"), (l("capacity.report"), nil)],
            .h1(.text(title), .text(scope.unit.map { " — " + $0.name } ?? "")),
            .p(.class("lead"), .text(l("capacity.report_lead", ["from": l.format.date(previous.from), "to": l.format.date(previous.to)]))),
            UI.errorSummary(title: l("form.error_summary"), errors: scope.errors),
            filters(l, action: "/capacite/bilan", scope: scope),
            .h2(.text(l("capacity.comparison"))),
            UI.table(caption: l("capacity.comparison"), columns: [
                .init(title: l("capacity.figure")), .init(title: l("capacity.this_year"), numeric: true),
                .init(title: l("capacity.last_year"), numeric: true), .init(title: l("capacity.change"), numeric: true),
            ], rows: [
                row(l("capacity.filed_total"), l.format.integer(current.filed), l.format.integer(previous.filed),
                    change(l, Double(current.filed), Double(previous.filed), places: 0)),
                row(l("capacity.closed_total"), l.format.integer(current.closed), l.format.integer(previous.closed),
                    change(l, Double(current.closed), Double(previous.closed), places: 0)),
                row(l("capacity.on_time"), percent(l, current.onTime), percent(l, previous.onTime),
                    change(l, current.onTime.percent, previous.onTime.percent, unit: pct)),
                row(l("capacity.median_answer"), current.medianAnswerDays.map(String.init) ?? "—", previous.medianAnswerDays.map(String.init) ?? "—",
                    change(l, current.medianAnswerDays.map(Double.init), previous.medianAnswerDays.map(Double.init), places: 0)),
                row(l("capacity.median_close"), current.medianCloseDays.map(String.init) ?? "—", previous.medianCloseDays.map(String.init) ?? "—",
                    change(l, current.medianCloseDays.map(Double.init), previous.medianCloseDays.map(Double.init), places: 0)),
                row(l("capacity.satisfaction"), current.ratingAverage.map { l.format.decimal($0, places: 2) } ?? "—",
                    previous.ratingAverage.map { l.format.decimal($0, places: 2) } ?? "—",
                    change(l, current.ratingAverage, previous.ratingAverage, places: 2)),
            ]),
            sections(l, current, idPrefix: "bilan-"))
    }
}
