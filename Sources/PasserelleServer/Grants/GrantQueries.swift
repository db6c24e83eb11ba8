import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The SGAF's reads that other modules (agreements, payments, open data) and the API ask for,
/// taking a database, not a `Request`.
enum GrantQueries {
    /// An application by its number (`AF-2026-000123`), with its program and its organisation.
    static func application(number: String, on db: any Database) async throws -> GrantApplicationModel? {
        guard !number.isEmpty, number.count <= 20 else { return nil }
        return try await GrantApplicationModel.query(on: db).filter(\.$number == number)
            .with(\.$program).with(\.$organisation).first()
    }
}
