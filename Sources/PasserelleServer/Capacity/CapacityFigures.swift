import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The figures of the guichet for a period and a unit (or all), read from the counters of
/// `RequestStats` and, for the backlog, from the open requests themselves.
struct CapacityFigures: Sendable {
    struct Rate: Sendable, Equatable {
        var onTime = 0
        var total = 0
        var percent: Double? { total == 0 ? nil : Double(onTime) * 100 / Double(total) }
    }

    var from: CalendarDate
    var to: CalendarDate
    /// Filed and out per week (its Monday), or per month for a report (`byMonth`).
    var weeks: [(week: CalendarDate, filed: Int, closed: Int)] = []
    var byMonth = false
    var filed = 0
    var closed = 0
    var onTime = Rate()
    var byType: [(name: String, rate: Rate)] = []
    var byUnit: [(name: String, rate: Rate)] = []
    /// People with at least `minimumVolume` answers, in alphabetical order (never ranked).
    var byAgent: [(name: String, rate: Rate)] = []
    /// People left out for their small number of answers.
    var agentsBelowMinimum = 0
    var medianAnswerDays: Int?
    var medianCloseDays: Int?
    var ratings: [Int: Int] = [:]
    /// Open requests not yet answered, by age band (see `CapacityQueries.bands`); nil for past periods.
    var backlog: [Int]?

    var ratingCount: Int { ratings.values.reduce(0, +) }
    var ratingAverage: Double? {
        ratingCount == 0 ? nil : Double(ratings.map { $0.key * $0.value }.reduce(0, +)) / Double(ratingCount)
    }
}
