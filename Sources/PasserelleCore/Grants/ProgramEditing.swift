import Foundation

/// Spreading a call's files among evaluators (after Hypha's batch assignment): each file gets up
/// to `perFile` evaluators, the least loaded first, never one who belongs to, holds a mandate for
/// or declared a conflict with one of the file's organisations. The plan is the same on every
/// run: ties in load go to the evaluator listed first.
public enum EvaluatorAssignment {
    public struct File: Sendable, Equatable {
        public var id: UUID
        public var organisations: Set<UUID>
        /// Evaluators already assigned (they count toward `perFile`).
        public var assigned: Set<UUID>

        public init(id: UUID, organisations: Set<UUID>, assigned: Set<UUID>) {
            self.id = id
            self.organisations = organisations
            self.assigned = assigned
        }
    }

    public struct Evaluator: Sendable, Equatable {
        public var id: UUID
        /// The organisations they may not evaluate.
        public var excluded: Set<UUID>
        /// Files already assigned to them in the call.
        public var load: Int

        public init(id: UUID, excluded: Set<UUID>, load: Int) {
            self.id = id
            self.excluded = excluded
            self.load = load
        }
    }

    public struct Plan: Sendable, Equatable {
        /// New assignments, file by file in the files' order.
        public var assignments: [(file: UUID, evaluator: UUID)]
        /// Files left with fewer than `perFile` evaluators, with how many they lack.
        public var short: [(file: UUID, missing: Int)]

        public static func == (a: Plan, b: Plan) -> Bool {
            a.assignments.map { "\($0.file)\($0.evaluator)" } == b.assignments.map { "\($0.file)\($0.evaluator)" }
                && a.short.map { "\($0.file)\($0.missing)" } == b.short.map { "\($0.file)\($0.missing)" }
        }
    }

    public static func plan(files: [File], evaluators: [Evaluator], perFile: Int) -> Plan {
        var load = evaluators.map(\.load)
        var plan = Plan(assignments: [], short: [])
        for file in files {
            var have = file.assigned.count
            guard have < perFile else { continue }
            let candidates = evaluators.indices
                .filter { !file.assigned.contains(evaluators[$0].id) && evaluators[$0].excluded.isDisjoint(with: file.organisations) }
                .sorted { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }
            for index in candidates.prefix(perFile - have) {
                plan.assignments.append((file.id, evaluators[index].id))
                load[index] += 1
                have += 1
            }
            if have < perFile { plan.short.append((file.id, perFile - have)) }
        }
        return plan
    }
}

/// The text forms an administrator edits a program's lists in, one item per line, parts separated
/// by `|`: documents (`code | nom | name`) and the scoring grid (`code | nom | name | weight | max`).
/// Each parser returns the items or the numbers of the lines it could not read.
public enum ProgramText {
    /// The numbers (from 1) of the lines that could not be read.
    public struct BadLines: Error, Equatable, Sendable {
        public let lines: [Int]
        public init(_ lines: [Int]) { self.lines = lines }
    }

    static func parts(_ line: Substring) -> [String] {
        line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func lines(_ text: String) -> [(number: Int, text: Substring)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespaces).isEmpty ? Substring("") : $0.element) }
            .filter { !$0.1.isEmpty }
    }

    static func validCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 40 && code.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    public static func documents(_ text: String) -> Result<[DocumentRequirement], BadLines> {
        var found: [DocumentRequirement] = [], bad: [Int] = []
        for (number, line) in lines(text.replacingOccurrences(of: "\r", with: "")) {
            let p = parts(line)
            guard p.count == 3, validCode(p[0]), !p[1].isEmpty, !p[2].isEmpty, !found.contains(where: { $0.code == p[0] }) else {
                bad.append(number)
                continue
            }
            found.append(DocumentRequirement(code: p[0], nameFr: p[1], nameEn: p[2]))
        }
        return bad.isEmpty ? .success(found) : .failure(BadLines(bad))
    }

    public static func text(_ documents: [DocumentRequirement]) -> String {
        documents.map { "\($0.code) | \($0.nameFr) | \($0.nameEn)" }.joined(separator: "\n")
    }

    public static func grid(_ text: String) -> Result<ScoringGrid, BadLines> {
        var found: [Criterion] = [], bad: [Int] = []
        for (number, line) in lines(text.replacingOccurrences(of: "\r", with: "")) {
            let p = parts(line)
            guard p.count == 5, validCode(p[0]), !p[1].isEmpty, !p[2].isEmpty, let weight = Int(p[3]), let max = Int(p[4]),
                  (0...100).contains(weight), (1...1000).contains(max) else {
                bad.append(number)
                continue
            }
            found.append(Criterion(code: p[0], nameFr: p[1], nameEn: p[2], weight: weight, maxScore: max))
        }
        return bad.isEmpty ? .success(ScoringGrid(criteria: found)) : .failure(BadLines(bad))
    }

    public static func text(_ grid: ScoringGrid) -> String {
        grid.criteria.map { "\($0.code) | \($0.nameFr) | \($0.nameEn) | \($0.weight) | \($0.maxScore)" }.joined(separator: "\n")
    }

    /// A percentage typed as `50`, `50,5` or `12.25` in basis points (hundredths of a percent).
    public static func basisPoints(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            .replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." }), t.filter({ $0 == "." }).count <= 1 else { return nil }
        let pieces = t.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int(pieces[0].isEmpty ? "0" : pieces[0]) else { return nil }
        var fraction = pieces.count > 1 ? String(pieces[1]) : ""
        guard fraction.count <= 2 else { return nil }
        fraction += String(repeating: "0", count: 2 - fraction.count)
        let value = whole * 100 + (Int(fraction) ?? 0)
        return (0...10_000).contains(value) ? value : nil
    }

    public static func percent(_ basisPoints: Int) -> String {
        basisPoints % 100 == 0 ? "\(basisPoints / 100)" : "\(basisPoints / 100)," + String(format: "%02d", basisPoints % 100)
    }
}

extension GrantWorkflow {
    /// What a new version of a workflow may not do to the one before: change its code, or drop
    /// a phase applications are in (phase ids are stable; an application keeps following the
    /// version it started with, but the phases it is in must still mean the same).
    public func problems(after previous: GrantWorkflow, phasesInUse: Set<String>) -> [String] {
        var found = problems
        if code != previous.code { found.append("code changed from \(previous.code)") }
        for id in phasesInUse.sorted() where phase(id) == nil { found.append("phase \(id) is in use") }
        return found
    }
}
