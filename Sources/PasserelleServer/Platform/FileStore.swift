import Crypto
import Foundation
import PasserelleCore
import Vapor

/// What a file is, read from its first bytes, never from its name: PDF, images, office documents.
enum FileKind: String, CaseIterable, Sendable {
    case pdf, png, jpeg, gif, webp, docx, xlsx, pptx, odt, ods, msOffice, text

    var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .msOffice: "application/vnd.ms-office"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// The extensions a file of this kind may carry.
    var extensions: Set<String> {
        switch self {
        case .pdf: ["pdf"]
        case .png: ["png"]
        case .jpeg: ["jpg", "jpeg"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .docx: ["docx"]
        case .xlsx: ["xlsx"]
        case .pptx: ["pptx"]
        case .odt: ["odt"]
        case .ods: ["ods"]
        case .msOffice: ["doc", "xls", "ppt"]
        case .text: ["txt", "csv"]
        }
    }

    static func sniff(_ bytes: [UInt8], filename: String) -> FileKind? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        let ext = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && bytes.count >= 12 && Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .msOffice }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // An office document is a ZIP archive with a known part inside: look for its name.
            let head = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
            if head.contains("word/") { return .docx }
            if head.contains("xl/") { return .xlsx }
            if head.contains("ppt/") { return .pptx }
            if head.contains("application/vnd.oasis.opendocument.text") { return .odt }
            if head.contains("application/vnd.oasis.opendocument.spreadsheet") { return .ods }
            return nil
        }
        // Plain text: valid UTF-8 with no control characters but tab, CR, LF.
        if ["txt", "csv"].contains(ext), String(validating: bytes, as: UTF8.self) != nil,
           !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            return .text
        }
        return nil
    }
}

/// The files people send (a request's attachments, an application's documents): checked by their
/// bytes, scanned, kept once per content under their SHA-256, and given back as downloads.
enum FileStore {
    enum Problem: Error, Equatable {
        case tooLarge(name: String)
        case unknownType(name: String)
        case disguised(name: String, kind: String)
        case infected(name: String)
    }

    /// Checks every file before anything is written; returns them with their kind, or the first
    /// problem (the form says which file and why).
    static func check(_ files: [File], maxBytes: Int) -> Result<[(File, FileKind)], FileStore.Problem> {
        var checked: [(File, FileKind)] = []
        for file in files where file.data.readableBytes > 0 || !file.filename.isEmpty {
            let name = String(file.filename.prefix(200))
            if file.data.readableBytes > maxBytes { return .failure(.tooLarge(name: name)) }
            let bytes = Array(file.data.readableBytesView)
            guard let kind = FileKind.sniff(bytes, filename: name) else { return .failure(.unknownType(name: name)) }
            let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
            guard kind.extensions.contains(ext) else { return .failure(.disguised(name: name, kind: kind.rawValue)) }
            checked.append((file, kind))
        }
        return .success(checked)
    }

    static func folder(_ app: Application) -> URL {
        URL(fileURLWithPath: app.settings.attachmentsPath)
    }

    /// A stored file as a download (never shown inline: its bytes are the sender's); nil when the
    /// store no longer has it.
    static func download(sha256: String, filename: String, contentType: String, app: Application) -> Response? {
        let path = folder(app).appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
        guard let data = FileManager.default.contents(atPath: path.path) else { return nil }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        let ascii = filename.filter { $0.isASCII && $0 != "\"" && $0 != "\\" }
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// A file kept in the store, not yet joined to a request (a draft's).
    struct Blob: Codable, Sendable, Equatable {
        var sha256: String
        var filename: String
        var kind: String
        var size: Int
        /// The type's file field it answers, if any.
        var field: String?
    }

    /// Writes the bytes once per content, after the scan command passed them.
    static func save(_ file: File, kind: FileKind, field: String? = nil, app: Application) async throws -> Blob {
        let bytes = Data(file.data.readableBytesView)
        let hash = AuditEventModel.hex(SHA256.hash(data: bytes))
        let directory = folder(app).appendingPathComponent(String(hash.prefix(2)))
        let path = directory.appendingPathComponent(hash)
        if !FileManager.default.fileExists(atPath: path.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let partial = directory.appendingPathComponent(hash + ".partiel-" + UUID().uuidString)
            try bytes.write(to: partial)
            if let command = app.settings.scanCommand, !(try await scan(command, path: partial.path)) {
                try? FileManager.default.removeItem(at: partial)
                throw FileStore.Problem.infected(name: file.filename)
            }
            do {
                try FileManager.default.moveItem(at: partial, to: path)
            } catch where FileManager.default.fileExists(atPath: path.path) {
                // The same content arrived meanwhile from another request: one copy is enough.
                try? FileManager.default.removeItem(at: partial)
            }
        }
        return Blob(sha256: hash, filename: String(file.filename.prefix(200)), kind: kind.rawValue, size: bytes.count, field: field)
    }

    /// The configured scanner: `SCAN_COMMAND` is run with the file's path as its last argument; exit
    /// status 0 means clean.
    static func scan(_ command: String, path: String) async throws -> Bool {
        let parts = command.split(separator: " ").map(String.init)
        guard let executable = parts.first else { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(parts.dropFirst()) + [path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus == 0) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    static func message(_ l: Localizer, _ problem: FileStore.Problem, maxBytes: Int) -> String {
        switch problem {
        case .tooLarge(let name): l("attachment.error.too_large", ["name": name, "max": l.format.integer(maxBytes / 1_048_576)])
        case .unknownType(let name): l("attachment.error.type", ["name": name])
        case .disguised(let name, let kind): l("attachment.error.disguised", ["name": name, "kind": kind.uppercased()])
        case .infected(let name): l("attachment.error.infected", ["name": name])
        }
    }

    /// The `accept` list of a file input: every extension a kind may carry.
    static let accept = FileKind.allCases.flatMap(\.extensions).sorted().map { "." + $0 }.joined(separator: ",")
}
