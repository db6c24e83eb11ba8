import Foundation
import Logging
import Vapor

/// Every setting comes from the environment (twelve-factor); the README lists them.
public struct Settings: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(url: String, searchPath: String?)
    }

    public var database: DatabaseChoice
    public var hostname: String
    public var port: Int
    public var logLevel: Logger.Level
    public var jsonLogs: Bool
    /// How often each instance checks whether the territory directory changed in the database.
    public var territoryRefreshSeconds: Int
    /// Served with `Strict-Transport-Security` and `Secure` cookies when true (behind TLS).
    public var behindTLS: Bool
    public var maxBodySize: String
    /// How long a request waits for a database connection before it fails.
    public var poolTimeoutSeconds: Int = 10
    /// How long an SQLite write waits for another writer (another process, a command) to commit.
    public var sqliteBusyTimeoutMilliseconds: Int = 5_000
    /// How much of the SQLite file each connection reads through a memory map (`PRAGMA mmap_size`).
    /// None by default: a reader unmaps the whole map after each commit, and on a VM each unmap
    /// interrupts every core (measured: a tenth of the CPU while requests are being filed).
    public var sqliteMmapBytes: Int = 0
    /// The address people reach Passerelle at, for links in messages (invitations, resets) and
    /// the OpenID Connect redirect. Defaults to `http://HOST:PORT`.
    public var publicURL: String?
    /// Where attachments are kept (one file per content, named by its SHA-256).
    public var attachmentsPath = "var/attachments"
    /// The append-only file the journal's head is written to (`AUDIT_CHECKPOINT_PATH`); nil: none.
    /// By default beside the SQLite file (`…sqlite-audit-checkpoints.log`), `var/audit-checkpoints.log`
    /// with PostgreSQL; set it to storage the database's administrators cannot rewrite.
    public var auditCheckpointPath: String?
    /// How often the head is checkpointed and the journal verified while serving.
    public var auditCheckpointSeconds = 300
    public var auditVerifySeconds = 3600
    /// The largest attachment accepted, in megabytes.
    public var attachmentMaxMB = 10
    /// A command run on every new attachment with its path as last argument; non-zero exit refuses it.
    public var scanCommand: String?
    /// A holidays file replacing the shipped one (`Resources/Calendar/holidays.json`).
    public var holidaysPath: String?
    /// Single sign-on with an OpenID Connect provider, when configured.
    public var oidc: OIDCSettings?
    /// The SMTP server the outbox is sent through (`SMTP_HOST`…); without it, messages wait in
    /// the outbox, listed on `/administration/courriels`.
    var smtp: SMTPConfiguration?
    /// How often the outbox is looked at, in seconds.
    public var mailIntervalSeconds = 5
    /// The address the Open511 jurisdiction gives for its data (`OPEN511_EMAIL`; its schema wants
    /// a top-level domain of two to four letters).
    public var open511Email = "bcam@passerelle.test"
    /// The map's tiles (`MAP_TILES_URL`, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`) and
    /// their attribution (`MAP_TILES_ATTRIBUTION`); without them, the map draws on a plain background.
    public var mapTilesURL: String?
    public var mapTilesAttribution = ""

    public struct OIDCSettings: Sendable, Equatable {
        public var issuer: String
        public var clientID: String
        public var clientSecret: String
        /// The provider's name on the sign-in page.
        public var displayName: String
        /// Accounts made at the first sign-in (off when empty): a verified address of this e-mail
        /// domain gets this ministry role in this unit (`OIDC_PROVISIONING`,
        /// `transports.gouv.qc.ca=unite-bcam:analyst,…`). Never the administrator role.
        public var provisioning: [Provisioning] = []

        public struct Provisioning: Sendable, Equatable {
            public var domain: String
            public var unit: String
            public var role: String
        }

        /// `domaine=unité:rôle`, comma-separated; nil when an entry is malformed or names a role
        /// that is not a ministry role (or is the administrator's).
        static func provisioning(_ text: String) -> [Provisioning]? {
            var entries: [Provisioning] = []
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                let sides = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard sides.count == 2 else { return nil }
                let target = sides[1].split(separator: ":", maxSplits: 1).map(String.init)
                guard target.count == 2, sides[0].contains("."), !sides[0].contains("@"),
                      let role = MembershipModel.role(name: target[1], service: nil, spendingLimitCents: nil),
                      role.isMinistry, role != .administrator, !target[1].hasPrefix("finance") else { return nil }
                entries.append(Provisioning(domain: sides[0].lowercased(), unit: target[0], role: target[1]))
            }
            return entries
        }

        public init(issuer: String, clientID: String, clientSecret: String, displayName: String = "OpenID Connect") {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.displayName = displayName
        }
    }

    var baseURL: String { publicURL ?? "http://\(hostname):\(port)" }

    public init(database: DatabaseChoice, hostname: String = "127.0.0.1", port: Int = 8080,
                logLevel: Logger.Level = .info, jsonLogs: Bool = false, territoryRefreshSeconds: Int = 5,
                behindTLS: Bool = false, maxBodySize: String = "1mb") {
        self.database = database
        self.hostname = hostname
        self.port = port
        self.logLevel = logLevel
        self.jsonLogs = jsonLogs
        self.territoryRefreshSeconds = territoryRefreshSeconds
        self.behindTLS = behindTLS
        self.maxBodySize = maxBodySize
    }

    public static func fromEnvironment(_ environment: Environment,
                                       values: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        func value(_ name: String) -> String? {
            guard let v = values[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let database: DatabaseChoice
        if let url = value("DATABASE_URL") {
            database = .postgres(url: url, searchPath: value("DATABASE_SCHEMA"))
        } else {
            database = .sqliteFile(value("SQLITE_PATH") ?? "var/passerelle.sqlite")
        }
        var settings = Settings(database: database)
        settings.hostname = value("HOST") ?? settings.hostname
        if let port = value("PORT") {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw SettingsError.invalid(name: "PORT", value: port)
            }
            settings.port = number
        }
        if let level = value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw SettingsError.invalid(name: "LOG_LEVEL", value: level)
            }
            settings.logLevel = parsed
        }
        settings.jsonLogs = value("LOG_FORMAT").map { $0 == "json" } ?? (environment != .development)
        // Beside the SQLite file it anchors (a copy of the database elsewhere gets a file of its own).
        switch database {
        case .sqliteFile(let path): settings.auditCheckpointPath = path + "-audit-checkpoints.log"
        case .postgres: settings.auditCheckpointPath = "var/audit-checkpoints.log"
        case .sqliteMemory: settings.auditCheckpointPath = nil
        }
        if let path = value("AUDIT_CHECKPOINT_PATH") { settings.auditCheckpointPath = path.isEmpty ? nil : path }
        for (name, apply) in [("AUDIT_CHECKPOINT_SECONDS", { (n: Int) in settings.auditCheckpointSeconds = n }),
                              ("AUDIT_VERIFY_SECONDS", { (n: Int) in settings.auditVerifySeconds = n })] {
            if let text = value(name) {
                guard let number = Int(text), number > 0 else { throw SettingsError.invalid(name: name, value: text) }
                apply(number)
            }
        }
        if let seconds = value("TERRITORY_REFRESH_SECONDS") {
            guard let number = Int(seconds), number > 0 else {
                throw SettingsError.invalid(name: "TERRITORY_REFRESH_SECONDS", value: seconds)
            }
            settings.territoryRefreshSeconds = number
        }
        settings.behindTLS = value("BEHIND_TLS") == "true"
        settings.maxBodySize = value("MAX_BODY_SIZE") ?? settings.maxBodySize
        if let seconds = value("DB_POOL_TIMEOUT_SECONDS") {
            guard let number = Int(seconds), number > 0 else {
                throw SettingsError.invalid(name: "DB_POOL_TIMEOUT_SECONDS", value: seconds)
            }
            settings.poolTimeoutSeconds = number
        }
        if let milliseconds = value("SQLITE_BUSY_TIMEOUT_MS") {
            guard let number = Int(milliseconds), (0...600_000).contains(number) else {
                throw SettingsError.invalid(name: "SQLITE_BUSY_TIMEOUT_MS", value: milliseconds)
            }
            settings.sqliteBusyTimeoutMilliseconds = number
        }
        if let bytes = value("SQLITE_MMAP_BYTES") {
            guard let number = Int(bytes), number >= 0 else { throw SettingsError.invalid(name: "SQLITE_MMAP_BYTES", value: bytes) }
            settings.sqliteMmapBytes = number
        }
        settings.holidaysPath = value("HOLIDAYS_PATH")
        settings.attachmentsPath = value("ATTACHMENTS_PATH") ?? settings.attachmentsPath
        settings.scanCommand = value("SCAN_COMMAND")
        if let megabytes = value("ATTACHMENT_MAX_MB") {
            guard let number = Int(megabytes), (1...500).contains(number) else {
                throw SettingsError.invalid(name: "ATTACHMENT_MAX_MB", value: megabytes)
            }
            settings.attachmentMaxMB = number
        }
        if let host = value("SMTP_HOST") {
            let security = SMTPConfiguration.Security(rawValue: value("SMTP_TLS") ?? "starttls")
            guard let security else { throw SettingsError.invalid(name: "SMTP_TLS", value: value("SMTP_TLS") ?? "") }
            let defaultPort = security == .tls ? 465 : (security == .starttls ? 587 : 25)
            let port = value("SMTP_PORT").map { Int($0) } ?? defaultPort
            guard let port, (1...65535).contains(port) else {
                throw SettingsError.invalid(name: "SMTP_PORT", value: value("SMTP_PORT") ?? "")
            }
            guard let from = value("SMTP_FROM"), from.contains("@") else {
                throw SettingsError.invalid(name: "SMTP_FROM", value: value("SMTP_FROM") ?? "(missing)")
            }
            settings.smtp = SMTPConfiguration(host: host, port: port, security: security, username: value("SMTP_USERNAME"),
                                              password: value("SMTP_PASSWORD"), from: from)
        }
        if let email = value("OPEN511_EMAIL") {
            guard email.range(of: #"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,4}$"#, options: .regularExpression) != nil else {
                throw SettingsError.invalid(name: "OPEN511_EMAIL", value: email)
            }
            settings.open511Email = email
        }
        if let tiles = value("MAP_TILES_URL") {
            guard tiles.hasPrefix("https://") || tiles.hasPrefix("http://"), tiles.contains("{z}") else {
                throw SettingsError.invalid(name: "MAP_TILES_URL", value: tiles)
            }
            settings.mapTilesURL = tiles
            settings.mapTilesAttribution = value("MAP_TILES_ATTRIBUTION") ?? ""
        }
        if let seconds = value("MAIL_INTERVAL_SECONDS") {
            guard let number = Int(seconds), (1...3600).contains(number) else {
                throw SettingsError.invalid(name: "MAIL_INTERVAL_SECONDS", value: seconds)
            }
            settings.mailIntervalSeconds = number
        }
        settings.publicURL = value("PUBLIC_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        let oidcValues = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"].map(value)
        if oidcValues.contains(where: { $0 != nil }) {
            for (name, given) in zip(["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"], oidcValues) where given == nil {
                throw SettingsError.invalid(name: name, value: "(missing: the three OIDC_ settings go together)")
            }
            settings.oidc = OIDCSettings(issuer: oidcValues[0]!, clientID: oidcValues[1]!, clientSecret: oidcValues[2]!,
                                         displayName: value("OIDC_NAME") ?? "OpenID Connect")
            if let text = value("OIDC_PROVISIONING") {
                guard let entries = OIDCSettings.provisioning(text) else { throw SettingsError.invalid(name: "OIDC_PROVISIONING", value: text) }
                settings.oidc?.provisioning = entries
            }
        }
        return settings
    }
}

enum SettingsError: Error, CustomStringConvertible {
    case invalid(name: String, value: String)

    var description: String {
        switch self {
        case .invalid(let name, let value): "invalid value for \(name): \(value)"
        }
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    public var settings: Settings {
        get { storage[SettingsKey.self]! }
        set { storage[SettingsKey.self] = newValue }
    }
}
