import Foundation
import SpinQemu

/// One `wrk` run (Debian's wrk, installed by scripts/install-deps) and the figures it printed.
struct Wrk: Sendable {
    /// Requests per second over the run.
    var requestsPerSecond: Double
    /// The 99th percentile latency.
    var p99: Duration
    /// Requests that got a non-2xx/3xx answer or a socket error.
    var errors: Int

    /// Runs `wrk --latency` against `url` with a bearer token and parses its summary.
    static func run(url: String, token: String, seconds: Int, threads: Int, connections: Int) async throws -> Wrk {
        let result = try await ProcessRunner.run("wrk", [
            "--threads", String(threads), "--connections", String(connections), "--duration", "\(seconds)s",
            "--latency", "--header", "Authorization: Bearer \(token)", url,
        ])
        guard let parsed = parse(result.standardOutputText) else {
            throw BenchError("cannot read wrk's summary:\n\(result.standardOutputText)")
        }
        return parsed
    }

    /// Reads `Requests/sec:`, the `99%` latency line, and the error lines of wrk's output.
    static func parse(_ output: String) -> Wrk? {
        var rate: Double?
        var p99: Duration?
        var errors = 0
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first == "Requests/sec:", fields.count > 1 { rate = Double(fields[1]) }
            if first == "99%", fields.count > 1 { p99 = duration(String(fields[1])) }
            if first == "Non-2xx", let last = fields.last { errors += Int(last) ?? 0 }
            if first == "Socket" {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                errors += fields.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }.reduce(0, +)
            }
        }
        guard let rate, let p99 else { return nil }
        return Wrk(requestsPerSecond: rate, p99: p99, errors: errors)
    }

    /// `812.00us`, `3.45ms`, `1.02s` as a duration.
    static func duration(_ text: String) -> Duration? {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)) else { return nil }
            return .nanoseconds(Int64(value * scale * 1e9))
        }
        return nil
    }
}
