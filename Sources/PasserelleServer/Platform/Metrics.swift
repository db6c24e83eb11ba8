import Foundation
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// Request counts and durations by route, kept in a registry of this app's own (never the global
/// metrics system, which a process may bootstrap only once) and printed at `/metrics`.
final class HTTPMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let durations = NIOLockedValueBox<[String: DurationHistogram]>([:])
    private let counters = NIOLockedValueBox<[String: Counter]>([:])

    static let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    func record(method: String, route: String, status: UInt, duration: Duration) {
        let counterKey = "\(method) \(route) \(status)"
        let counter = counters.withLockedValue { counters in
            if let existing = counters[counterKey] { return existing }
            let made = registry.makeCounter(name: "http_requests_total",
                                            labels: [("method", method), ("route", route), ("status", String(status))])
            counters[counterKey] = made
            return made
        }
        counter.increment()
        let durationKey = "\(method) \(route)"
        let histogram = durations.withLockedValue { durations in
            if let existing = durations[durationKey] { return existing }
            let made = registry.makeDurationHistogram(name: "http_request_duration_seconds",
                                                      labels: [("method", method), ("route", route)],
                                                      buckets: Self.buckets)
            durations[durationKey] = made
            return made
        }
        histogram.record(duration)
    }

    func gauge(_ name: String, help: String) -> Gauge {
        registry.makeGauge(name: name, help: help)
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = HTTPMetrics }

    var httpMetrics: HTTPMetrics {
        if let existing = storage[MetricsKey.self] { return existing }
        let made = HTTPMetrics()
        storage[MetricsKey.self] = made
        return made
    }
}
