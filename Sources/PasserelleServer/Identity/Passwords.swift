import Foundation
import Vapor

/// Password hashing and the rules a new password must meet.
enum Passwords {
    /// Bcrypt cost: 2^12 rounds, about a quarter of a second on the reference machine.
    static let cost = 12

    /// Bcrypt runs on threads of its own: on the app's pool it would hold up SQLite's queries, which
    /// run there too, for as long as a burst of sign-ins lasts.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    static func hash(_ password: String, on app: Application) async throws -> String {
        try await pool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }

    /// The catalog keys of the rules a password breaks (empty when it is acceptable).
    static func problems(_ password: String, email: String) -> [String] {
        var problems: [String] = []
        if password.count < 12 { problems.append("password.rule.length") }
        let classes = [password.contains(where: \.isLowercase), password.contains(where: \.isUppercase),
                       password.contains(where: \.isNumber), password.contains { !$0.isLetter && !$0.isNumber }]
        if classes.filter({ $0 }).count < 3 { problems.append("password.rule.variety") }
        let local = email.split(separator: "@").first.map { $0.lowercased() } ?? ""
        if local.count >= 3 && password.lowercased().contains(local) { problems.append("password.rule.email") }
        if common.contains(password.lowercased()) { problems.append("password.rule.common") }
        return problems
    }

    static let common: Set<String> = ["motdepasse123", "motdepasse1234", "password1234", "passerelle123", "quebec123456",
                                      "azertyuiop123", "qwertyuiop123", "123456789012", "bonjour12345", "municipalite1"]
}
