import Foundation

/// Order statistics of a set of samples, in milliseconds unless said otherwise.
struct Samples {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    mutating func add(_ value: Double) { values.append(value) }

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    /// The `p`-th percentile (nearest rank), `p` in 0...100; NaN when empty.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// The median (mean of the middle two for an even count); NaN when empty.
    var median: Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    var minimum: Double { values.min() ?? .nan }
    var maximum: Double { values.max() ?? .nan }
}

/// Formats milliseconds with a precision that suits their size.
func formatMilliseconds(_ ms: Double) -> String {
    if ms.isNaN { return "–" }
    return ms >= 100 ? String(format: "%.0f", ms) : ms >= 10 ? String(format: "%.1f", ms) : String(format: "%.2f", ms)
}

/// Formats microseconds.
func formatMicroseconds(_ us: Double) -> String {
    us.isNaN ? "–" : us >= 100 ? String(format: "%.0f", us) : String(format: "%.1f", us)
}

/// A ratio to two decimals.
func formatRatio(_ value: Double) -> String { value.isNaN || value.isInfinite ? "–" : String(format: "%.2f", value) }

/// Milliseconds since `start` on the continuous clock.
func milliseconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).seconds * 1e3
}
