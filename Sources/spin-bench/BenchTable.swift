import Foundation

/// Times a block with a monotonic clock.
func measure(_ body: () throws -> Void) rethrows -> Duration {
    let clock = ContinuousClock()
    return try clock.measure(body)
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}

/// A table of benchmark rows printed in aligned columns (and as Markdown with `--markdown`).
struct BenchTable {
    var header: [String]
    var rows: [[String]] = []

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(markdown: Bool) -> String {
        let all = [header] + rows
        if markdown {
            var lines = ["| " + header.joined(separator: " | ") + " |"]
            lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
            lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
            return lines.joined(separator: "\n")
        }
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

func formatRate(_ value: Double) -> String {
    value >= 1e6 ? String(format: "%.2fM", value / 1e6) : value >= 1e3 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
}

func makeBenchDirectory(_ name: String) throws -> String {
    let base = ProcessInfo.processInfo.environment["SPIN_BENCH_DIR"] ?? "/var/tmp"
    let path = "\(base)/spin-bench-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
