/// Reads and validates the territory files. Every problem of a file is reported, each with its
/// line and column, before anything is applied: an import is all or nothing.

public struct ImportProblem: Sendable, Equatable, Error {
    public let line: Int
    public let column: String?
    /// A catalog key (`import.problem.*`) and its arguments: the message is in the reader's language.
    public let key: String
    public let arguments: [String: String]

    public init(line: Int, column: String? = nil, key: String, arguments: [String: String] = [:]) {
        self.line = line; self.column = column; self.key = key; self.arguments = arguments
    }

    public func message(_ catalog: Catalog) -> String {
        var args = arguments
        args["line"] = String(line)
        args["column"] = column ?? ""
        let text = catalog.text(key, args)
        let prefix = column.map { catalog.text("import.problem.at_line_column", ["line": String(line), "column": $0]) }
            ?? catalog.text("import.problem.at_line", ["line": String(line)])
        return prefix + " " + text
    }
}

public struct ImportProblems: Error, Sendable, Equatable {
    public let problems: [ImportProblem]
}

/// Reads named fields of one row and collects what is wrong with them.
public struct RowReader {
    public let line: Int
    let fields: [String: String]
    public private(set) var problems: [ImportProblem] = []

    init(line: Int, header: [String], values: [String]) {
        self.line = line
        var fields: [String: String] = [:]
        for (name, value) in zip(header, values) { fields[name] = value.trimmingWhitespace() }
        self.fields = fields
    }

    mutating func problem(_ column: String, _ key: String, _ arguments: [String: String] = [:]) {
        problems.append(ImportProblem(line: line, column: column, key: key, arguments: arguments))
    }

    public mutating func text(_ column: String) -> String? {
        let value = fields[column] ?? ""
        return value.isEmpty ? nil : value
    }

    public mutating func required(_ column: String) -> String {
        guard let value = text(column) else { problem(column, "import.problem.required"); return "" }
        return value
    }

    /// A code of `lengths` digits, leading zeros kept.
    public mutating func digits(_ column: String, lengths: Set<Int>, required: Bool) -> String? {
        guard let value = text(column) else {
            if required { problem(column, "import.problem.required") }
            return nil
        }
        guard lengths.contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            let expected = lengths.sorted().map(String.init).joined(separator: "/")
            problem(column, "import.problem.digits", ["value": value, "digits": expected])
            return nil
        }
        return value
    }

    public mutating func integer(_ column: String) -> Int? {
        guard let value = text(column) else { return nil }
        guard let number = Int(value), number >= 0 else {
            problem(column, "import.problem.integer", ["value": value]); return nil
        }
        return number
    }

    public mutating func decimal(_ column: String, range: ClosedRange<Double>) -> Double? {
        guard let value = text(column) else { return nil }
        guard value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
              let number = Double(value), range.contains(number) else {
            problem(column, "import.problem.decimal",
                    ["value": value, "min": RowReader.plain(range.lowerBound), "max": RowReader.plain(range.upperBound)])
            return nil
        }
        return number
    }

    public mutating func date(_ column: String) -> CalendarDate? {
        guard let value = text(column) else { return nil }
        guard let date = CalendarDate(iso: value) else {
            problem(column, "import.problem.date", ["value": value]); return nil
        }
        return date
    }

    public mutating func yesNo(_ column: String) -> Bool? {
        guard let value = text(column) else { return nil }
        switch value.lowercased() {
        case "oui", "yes", "true", "1": return true
        case "non", "no", "false", "0": return false
        default: problem(column, "import.problem.yes_no", ["value": value]); return nil
        }
    }

    public mutating func oneOf(_ column: String, _ value: String?, known: Set<String>, key: String) {
        if let value, !known.contains(value) { problem(column, key, ["value": value]) }
    }

    static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

public enum TerritoryFiles {
    /// Parses a file and maps each row, or returns every problem found.
    /// Rows whose `key` repeats an earlier row's are refused.
    public static func read<T>(_ text: String, columns: [String], key: (T) -> String,
                               row: (inout RowReader) -> T) -> Result<[T], ImportProblems> {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch {
            return .failure(ImportProblems(problems: [
                ImportProblem(line: error.line, key: "import.problem.csv_\(error.reason.rawValue)")]))
        }
        guard let header = records.first else {
            return .failure(ImportProblems(problems: [ImportProblem(line: 1, key: "import.problem.empty_file")]))
        }
        let missing = columns.filter { !header.fields.contains($0) }
        guard missing.isEmpty else {
            return .failure(ImportProblems(problems: [ImportProblem(
                line: header.line, key: "import.problem.missing_columns",
                arguments: ["columns": missing.joined(separator: ", ")])]))
        }
        var problems: [ImportProblem] = []
        var values: [T] = []
        var seen: Set<String> = []
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                problems.append(ImportProblem(line: record.line, key: "import.problem.field_count",
                                              arguments: ["found": String(record.fields.count),
                                                          "expected": String(header.fields.count)]))
                continue
            }
            var reader = RowReader(line: record.line, header: header.fields, values: record.fields)
            let value = row(&reader)
            if !reader.problems.isEmpty { problems += reader.problems; continue }
            guard seen.insert(key(value)).inserted else {
                problems.append(ImportProblem(line: record.line, key: "import.problem.duplicate_code",
                                              arguments: ["value": key(value)]))
                continue
            }
            values.append(value)
        }
        return problems.isEmpty ? .success(values) : .failure(ImportProblems(problems: problems))
    }

    public static func regions(_ text: String) -> Result<[RegionRecord], ImportProblems> {
        read(text, columns: ["code", "nom"], key: \.code) { r in
            RegionRecord(code: r.digits("code", lengths: [2], required: true) ?? "", name: r.required("nom"))
        }
    }

    public static func designations(_ text: String) -> Result<[DesignationRecord], ImportProblems> {
        read(text, columns: ["code_designation", "designation", "municipalite_locale"], key: \.code) { r in
            DesignationRecord(code: r.digits("code_designation", lengths: [2], required: true) ?? "",
                              name: r.required("designation"),
                              isLocalMunicipality: r.yesNo("municipalite_locale") ?? false)
        }
    }

    public static func territoryUnits(_ text: String, regionCodes: Set<String>) -> Result<[TerritoryUnitRecord], ImportProblems> {
        read(text, columns: ["type", "code", "nom", "region_code"], key: \.code) { r in
            let region = r.digits("region_code", lengths: [2], required: true)
            r.oneOf("region_code", region, known: regionCodes, key: "import.problem.unknown_region")
            return TerritoryUnitRecord(code: r.digits("code", lengths: [2, 3], required: true) ?? "",
                                       type: r.required("type"), name: r.required("nom"), regionCode: region ?? "")
        }
    }

    public static func municipalities(_ text: String, designationCodes: Set<String>, regionCodes: Set<String>,
                                      unitCodes: Set<String>) -> Result<[MunicipalityRecord], ImportProblems> {
        read(text, columns: MunicipalityColumn.allCases.map(\.rawValue), key: \.code) { r in
            municipality(&r, designationCodes: designationCodes, regionCodes: regionCodes, unitCodes: unitCodes)
        }
    }

    static func municipality(_ r: inout RowReader, designationCodes: Set<String>, regionCodes: Set<String>,
                             unitCodes: Set<String>) -> MunicipalityRecord {
        let designationCode = r.digits("code_designation", lengths: [2], required: true)
        r.oneOf("code_designation", designationCode, known: designationCodes, key: "import.problem.unknown_designation")
        let regionCode = r.digits("region_code", lengths: [2], required: true)
        r.oneOf("region_code", regionCode, known: regionCodes, key: "import.problem.unknown_region")
        let record = MunicipalityRecord(
            code: r.digits("code_geo", lengths: [5], required: true) ?? "",
            name: r.required("nom"),
            designationCode: designationCode ?? "",
            designation: r.required("designation"),
            regionCode: regionCode ?? "",
            regionName: r.required("region_nom"),
            mrcCode: r.digits("mrc_code", lengths: [3], required: false),
            mrcName: r.text("mrc_nom"),
            regionalAdministrationCode: r.digits("admin_regionale_code", lengths: [3], required: false),
            regionalAdministrationName: r.text("admin_regionale_nom"),
            censusDivisionCode: r.digits("division_recensement_code", lengths: [2], required: true) ?? "",
            censusDivisionName: r.required("division_recensement_nom"),
            outsideMRCOrIndigenous: r.yesNo("hors_mrc_ou_autochtone"),
            metropolitanCommunityCode: r.digits("communaute_metropolitaine_code", lengths: [3], required: false),
            metropolitanCommunityName: r.text("communaute_metropolitaine_nom"),
            electoralDivisionCode: r.digits("circonscription_provinciale_code", lengths: [3], required: false),
            electoralDivisionName: r.text("circonscription_provinciale_nom"),
            constitutionDate: r.date("date_constitution"),
            areaKm2: r.decimal("superficie_km2", range: 0...2_000_000),
            landAreaKm2: r.decimal("superficie_terrestre_km2", range: 0...2_000_000),
            population: r.integer("population"),
            nextElectionDate: r.date("date_prochaine_election"),
            address: r.text("adresse"),
            addressLocality: r.text("localite_adresse"),
            postalCode: r.text("code_postal"),
            telephone: r.text("telephone"),
            website: r.text("site_web"),
            latitude: r.decimal("latitude", range: 44...63),
            longitude: r.decimal("longitude", range: -80...(-56)),
            coordinatesSource: r.text("source_coordonnees"))
        if (record.latitude == nil) != (record.longitude == nil), r.problems.isEmpty {
            r.problem("latitude", "import.problem.half_coordinates")
        }
        if r.problems.isEmpty, let unit = record.territoryUnitCode, !unitCodes.contains(unit) {
            r.problem(record.mrcCode != nil ? "mrc_code" : "division_recensement_code",
                      "import.problem.unknown_mrc", ["value": unit])
        }
        return record
    }
}
