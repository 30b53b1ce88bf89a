import ArgumentParser

/// A size given on the command line: a number of GiB (`10`, `0.5`), or a number with a unit
/// (`512M`, `64MiB`, `2G`, `1T`). Anything else is a usage error (exit 64).
struct Size: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// The size in bytes.
    let bytes: UInt64

    init(bytes: UInt64) { self.bytes = bytes }

    init?(argument: String) {
        var text = Substring(argument.uppercased())
        for suffix in ["IB", "B"] where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            break
        }
        var multiplier = Double(UInt64(1) << 30)
        if let last = text.last, let shift = ["K": 10, "M": 20, "G": 30, "T": 40][String(last)] {
            multiplier = Double(UInt64(1) << UInt64(shift))
            text = text.dropLast()
        }
        guard let number = Double(text), number.isFinite, number > 0 else { return nil }
        let bytes = (number * multiplier).rounded()
        guard bytes >= 1, bytes < Double(UInt64.max) else { return nil }
        self.bytes = UInt64(bytes)
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// `10 GiB`, `512 MiB`, or bytes.
    var description: String {
        if bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }
}
