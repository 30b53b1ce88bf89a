import Foundation

/// A named host directory that holds images. JSON: `{"name":"vol1","path":"/var/lib/spin/vol1","createdAt":…}`.
public struct Volume: Sendable, Codable, Equatable, Hashable {
    /// The volume's unique name: a letter, then letters, digits, `-` or `_` (at most 63).
    public var name: String
    /// The absolute, normalized host directory (no `.`, `..`, `//` or trailing `/`).
    public var path: String
    /// When the volume was recorded.
    public var createdAt: Date

    /// Creates a volume record; check it with ``validate()``.
    public init(name: String, path: String, createdAt: Date = Date()) {
        self.name = name
        self.path = path
        self.createdAt = createdAt
    }

    /// The longest volume path, in bytes (the path is a key of the registry's path index).
    public static let maxPathLength = 480
    /// The longest volume path a caller may give, in characters (Unicode scalars): at most
    /// ``maxPathLength`` bytes whatever the characters.
    public static let maxPathCharacters = 120

    /// Every problem with this volume.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.name(name)
        validator.absolutePath(path, field: "path", example: "/var/lib/spin/\(Validator.isName(name, allowDots: false) ? name : "vol1")")
        if path.utf8.count > Self.maxPathLength {
            validator.add("path", "is \(path.utf8.count) bytes long; keep volume paths to at most \(Self.maxPathLength) bytes")
        } else if validator.problems.allSatisfy({ $0.field != "path" }), let normal = Self.normalize(path), normal != path {
            validator.add("path", "\(quoted(path)) is not normalized; use \(quoted(normal))")
        }
        return validator.problems
    }

    /// `path` with `.` and empty components dropped and `..` resolved lexically (no symlinks
    /// are followed); nil unless `path` is absolute and free of NUL bytes.
    public static func normalize(_ path: String) -> String? {
        guard path.utf8.first == UInt8(ascii: "/"), !path.utf8.contains(0) else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
