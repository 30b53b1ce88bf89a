import Foundation

/// An asynchronous QMP event such as `SHUTDOWN`, `STOP`, `RESUME` or `BLOCK_JOB_COMPLETED`.
public struct QMPEvent: Sendable, Equatable {
    /// The event name, e.g. `"SHUTDOWN"`.
    public var name: String
    /// The event's `data` member (`.null` when absent).
    public var data: JSON
    /// When QEMU emitted it.
    public var timestamp: Date

    /// Creates an event.
    public init(name: String, data: JSON = .null, timestamp: Date = Date()) {
        self.name = name
        self.data = data
        self.timestamp = timestamp
    }

    /// Builds an event from a decoded QMP line, or `nil` if it is not an event.
    init?(message: JSON) {
        guard let name = message["event"]?.stringValue else { return nil }
        let seconds = message["timestamp"]?["seconds"]?.integerValue ?? 0
        let micros = message["timestamp"]?["microseconds"]?.integerValue ?? 0
        self.init(
            name: name, data: message["data"] ?? .null,
            timestamp: Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000))
    }
}

/// QEMU's version as announced in the QMP greeting.
public struct QMPVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Major version, e.g. 7.
    public var major: Int
    /// Minor version, e.g. 2.
    public var minor: Int
    /// Micro version, e.g. 22.
    public var micro: Int
    /// Distribution package string, e.g. `"Debian 1:7.2+dfsg-7"`.
    public var package: String

    /// Creates a version.
    public init(major: Int, minor: Int, micro: Int, package: String = "") {
        self.major = major
        self.minor = minor
        self.micro = micro
        self.package = package
    }

    /// `major.minor.micro`.
    public var description: String { "\(major).\(minor).\(micro)" }

    /// Orders by major, minor, micro.
    public static func < (lhs: QMPVersion, rhs: QMPVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.micro) < (rhs.major, rhs.minor, rhs.micro)
    }

    /// Reads `{"QMP": {"version": {"qemu": {...}, "package": ...}, "capabilities": [...]}}`.
    init?(greeting: JSON) {
        guard let qemu = greeting["QMP"]?["version"]?["qemu"],
            let major = qemu["major"]?.integerValue, let minor = qemu["minor"]?.integerValue,
            let micro = qemu["micro"]?.integerValue
        else { return nil }
        let package = greeting["QMP"]?["version"]?["package"]?.stringValue ?? ""
        self.init(major: Int(major), minor: Int(minor), micro: Int(micro),
                  package: package.trimmingCharacters(in: .whitespaces))
    }
}
