import Foundation

/// The shipped territory files, read straight from the source tree.
enum Fixtures {
    static let territoryFolder = sourcesFolder.appendingPathComponent("Sources/PasserelleServer/Resources/Territory")

    static func territoryFile(_ name: String) throws -> String {
        try String(contentsOf: territoryFolder.appendingPathComponent(name), encoding: .utf8)
    }

    /// The root of the checkout.
    static let sourcesFolder: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// A temporary folder removed after `body`.
    static func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }
}
