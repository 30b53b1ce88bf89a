import Foundation
import Prometheus
import SpinCore

/// The server's Prometheus metrics: request latencies, package outcomes, and VMs by state
/// (counted at scrape time from live status).
public final class ServerMetrics: Sendable {
    /// The registry the metrics live in; one per server, so tests can run several.
    public let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
        .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
    ]
    private var requests: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "spin", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "HTTP request latencies by method, route and status.")
    }
    private var packages: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "spin", metricName: "packages", unitName: "total",
        helpText: "Packages finished by this server's broker, by outcome.")
    }
    private var vms: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "spin", metricName: "vms", unitName: "count", helpText: "VMs by live state.")
    }

    /// Creates the metrics.
    public init() {
        // Every state appears in the output from the start, at zero.
        for state in VMState.allCases { _ = registry.makeGauge(descriptor: vms, labels: [("state", state.rawValue)]) }
        for outcome in ["succeeded", "failed"] { _ = registry.makeCounter(descriptor: packages, labels: [("outcome", outcome)]) }
    }

    /// Records one request.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: requests, labels: [("method", method), ("route", route), ("status", String(status))],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Counts a finished package.
    func recordPackage(_ state: PackageState) {
        guard state.isTerminal else { return }
        registry.makeCounter(descriptor: packages, labels: [("outcome", state.rawValue)]).increment()
    }

    /// Sets the VM gauges from live statuses.
    func recordVMs(_ states: [VMState]) {
        var counts: [VMState: Int] = [:]
        for state in states { counts[state, default: 0] += 1 }
        for state in VMState.allCases {
            registry.makeGauge(descriptor: vms, labels: [("state", state.rawValue)]).set(Double(counts[state] ?? 0))
        }
    }

    /// The Prometheus text exposition.
    func render() -> [UInt8] { registry.emitToBuffer() }
}
