import Foundation
import Testing

/// Checks a file with a standard parser (Python's `vobject` for vCards, `icalendar` for feeds) when
/// `scripts/with-python-checks.sh` provides them (TEST_PYTHON): CI always does.
enum PythonCheck {
    static func run(_ kind: String, input: String, expect: [String]) throws {
        guard let python = ProcessInfo.processInfo.environment["TEST_PYTHON"], !python.isEmpty else { return }
        let script = Fixtures.sourcesFolder.appendingPathComponent("scripts/check-\(kind).py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path] + expect
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, Comment(rawValue: "\(kind) check: \(output)"))
    }
}
