import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// How a program gives its money.
enum AllocationMode: String, Codable, CaseIterable, Sendable {
    /// Calls for projects, ranked within an envelope.
    case competitive
    /// Applications all year, decided one by one while the envelope lasts.
    case continuous
    /// Every eligible body gets a share of the envelope computed from an indicator.
    case formula
}
