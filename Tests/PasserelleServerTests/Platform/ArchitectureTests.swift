import Foundation
import Testing

/// The house plan of `docs/ARCHITECTURE.md`, checked on the sources themselves so that it stays
/// true as modules are added: every route in `routes.swift`, Platform and Web naming no module, a
/// module using another only through its Queries.
@Suite struct ArchitectureTests {
    static let server = Fixtures.sourcesFolder.appendingPathComponent("Sources/PasserelleServer")
    static let shared: Set<String> = ["App", "Platform", "Web", "Migrations", "Resources"]

    /// The Swift files under a folder of the server target, by path relative to the target.
    static func files(under folder: String = "") throws -> [(path: String, text: String)] {
        let root = server.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { relative in
            let path = folder.isEmpty ? relative : folder + "/" + relative
            return (path, try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8))
        }
    }

    static var modules: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: server.path)
                .filter { !shared.contains($0) && !$0.hasPrefix(".") }.sorted()
        }
    }

    /// The code of a file without its comments, so that a comment may name what the code may not.
    static func code(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: "\n")
    }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: match.numberOfRanges - 1), in: text).map { String(text[$0]) }
        }
    }

    /// The types a module declares at the top level of its files.
    static func declaredTypes(in module: String) throws -> Set<String> {
        var names: Set<String> = []
        for file in try files(under: module) {
            names.formUnion(try matches(#"^(?:final class|class|struct|enum|protocol|actor|typealias) ([A-Z][A-Za-z0-9]*)"#,
                                        in: file.text))
        }
        return names
    }

    @Test func routesAreRegisteredInRoutesSwiftOnly() throws {
        // setup
        let registration = #"\.(?:get|post|put|patch|delete|on)\((?:[^()]|\([^()]*\))*use:"#

        // act
        let elsewhere = try Self.files().filter { $0.path != "App/routes.swift" }
            .filter { !(try Self.matches("(" + registration + ")", in: Self.code($0.text))).isEmpty }.map(\.path)

        // validate
        #expect(elsewhere == [])
        let table = try String(contentsOf: Self.server.appendingPathComponent("App/routes.swift"), encoding: .utf8)
        #expect(try Self.matches("(" + registration + ")", in: table).count > 150)
    }

    @Test func onlyIdentityNamesItsAccountViews() throws {
        // act
        let naming = try Self.files().filter { !$0.path.hasPrefix("Identity/") && Self.code($0.text).contains("AccountViews") }

        // validate
        #expect(naming.map(\.path) == [])
    }

    @Test func platformAndWebNameNoModuleType() throws {
        // setup: every type the modules declare
        var owner: [String: String] = [:]
        for module in try Self.modules {
            for name in try Self.declaredTypes(in: module) { owner[name] = module }
        }
        #expect(owner["RequestModel"] == "Requests")
        #expect(owner["OrganisationModel"] == "Identity")

        let shared = try Self.files(under: "Platform") + Self.files(under: "Web")
        #expect(shared.contains { $0.path == "Platform/Writes.swift" })

        // act
        var found: [String] = []
        for file in shared {
            let words = Set(try Self.matches(#"\b([A-Z][A-Za-z0-9]*)\b"#, in: Self.code(file.text)))
            for word in words.sorted() where owner[word] != nil { found.append("\(file.path) names \(owner[word]!).\(word)") }
        }

        // validate
        #expect(found == [])
    }

    @Test func aModuleUsesNoOtherModulesPagesOrViews() throws {
        // setup: the pages and views of each module
        var owner: [String: String] = [:]
        for module in try Self.modules {
            for name in try Self.declaredTypes(in: module) where name.hasSuffix("Pages") || name.hasSuffix("Views") {
                owner[name] = module
            }
        }

        // act
        var found: Set<String> = []
        for module in try Self.modules {
            for file in try Self.files(under: module) {
                for word in Set(try Self.matches(#"\b([A-Z][A-Za-z0-9]*)\."#, in: Self.code(file.text))) {
                    if let other = owner[word], other != module { found.insert("\(module) uses \(other).\(word)") }
                }
            }
        }

        // validate: what two modules share lives in Web (questions, contact cards) or in a model
        #expect(found == [])
    }

    /// The files that hold a module's reads and its transactional writes: each `<Module>Queries.swift`,
    /// and the writes' own files. Add a module's writes file here when it has one.
    static let writeFiles: Set<String> = [
        "Requests/Requests.swift", "Requests/Attachments.swift", "Requests/RequestFollowers.swift",
        "Grants/Grants.swift", "Grants/GrantDecisions.swift", "Grants/GrantNotices.swift",
        "Agreements/Agreements.swift", "Agreements/PaymentRuns.swift", "Identity/AccessChanges.swift",
    ]

    @Test func queriesAndWritesTakeACallerNeverAnHTTPRequest() throws {
        // setup: every Queries file and every writes file
        let files = try Self.files().filter { $0.path.hasSuffix("Queries.swift") || Self.writeFiles.contains($0.path) }
        #expect(Set(files.map(\.path)).isSuperset(of: Self.writeFiles))

        // act: a parameter of Vapor's `Request` type
        let taking = try files.filter { !(try Self.matches(#"(\w+\s*:\s*Request\b(?!\w))"#, in: Self.code($0.text))).isEmpty }.map(\.path)

        // validate
        #expect(taking == [])
        #expect(files.count >= Self.writeFiles.count + 7)
    }
}
