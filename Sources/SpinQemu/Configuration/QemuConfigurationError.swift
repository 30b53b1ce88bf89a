/// Why a ``QemuConfiguration`` cannot become a QEMU command line.
public struct QemuConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offending field, e.g. `"network.forwards[0].hostPort"`.
    public var field: String
    /// What is wrong and how to fix it.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }
}
