import Foundation
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// Request counts and durations by route, kept in a registry of this app's own (never the global
/// metrics system, which a process may bootstrap only once) and printed at `/metrics`.
final class HTTPMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// A route's instruments, found by the route's identity so a request builds no label string.
    private struct Key: Hashable {
        let route: ObjectIdentifier?
        let method: String
        let status: UInt
    }
    private struct Instruments {
        let counter: Counter
        let duration: DurationHistogram
    }
    private let instruments = NIOLockedValueBox<[Key: Instruments]>([:])

    static let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    func record(request: Request, status: UInt, duration: Duration) {
        let key = Key(route: request.route.map(ObjectIdentifier.init), method: request.method.rawValue, status: status)
        let found = instruments.withLockedValue { $0[key] } ?? make(key, route: request.route)
        found.counter.increment()
        found.duration.record(duration)
    }

    private func make(_ key: Key, route: Route?) -> Instruments {
        let path = route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let made = Instruments(
            counter: registry.makeCounter(name: "http_requests_total",
                                          labels: [("method", key.method), ("route", path), ("status", String(key.status))]),
            duration: registry.makeDurationHistogram(name: "http_request_duration_seconds",
                                                     labels: [("method", key.method), ("route", path)], buckets: Self.buckets))
        instruments.withLockedValue { $0[key] = made }
        return made
    }

    func gauge(_ name: String, help: String) -> Gauge {
        registry.makeGauge(name: name, help: help)
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = HTTPMetrics }

    var httpMetrics: HTTPMetrics { service(MetricsKey.self, HTTPMetrics.init) }

    /// One instance of a service per app, made the first time it is asked for (at configuration).
    func service<Key: StorageKey>(_ key: Key.Type, _ make: () -> Key.Value) -> Key.Value {
        if let existing = storage[key] { return existing }
        let made = make()
        storage[key] = made
        return made
    }
}
