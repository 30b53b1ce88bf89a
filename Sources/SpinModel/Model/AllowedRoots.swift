#if canImport(Glibc)
import Glibc
#endif

/// The host directories a caller may name paths in (a volume's directory, a CD-ROM, a kernel
/// or initrd): the server's `--allow-path` roots, a remote agent's own.
///
/// A path is resolved before it is compared — every symbolic link of it followed, so a link
/// inside a root that points out of it is outside. A path that does not exist yet (a volume
/// directory spin will create) is judged by its deepest existing ancestor, resolved, with the
/// rest appended.
public struct AllowedRoots: Sendable, Equatable, CustomStringConvertible {
    /// The roots, resolved (absolute, no links).
    public let roots: [String]

    /// Roots `paths`, each resolved; a root that does not exist is kept as written, so it
    /// allows nothing until it is made.
    public init(_ paths: [String]) {
        roots = paths.map { Self.resolve($0) ?? $0 }
    }

    /// Whether `path` (absolute) lies inside one of the roots once resolved.
    public func allows(_ path: String) -> Bool {
        guard let resolved = Self.resolve(path) else { return false }
        return roots.contains { root in
            root == "/" || resolved == root || resolved.hasPrefix(root + "/")
        }
    }

    /// Throws unless `path` is allowed.
    /// - Parameters:
    ///   - what: what the path is, for the message ("CD-ROM", "volume directory").
    ///   - option: how an operator allows more (`--allow-path DIR`).
    /// - Throws: ``SpinError`` `.forbidden` naming the path, the roots and the option.
    public func check(_ path: String, what: String, option: String = "--allow-path DIR") throws(SpinError) {
        guard !allows(path) else { return }
        let list = roots.map { "\"\($0)\"" }.joined(separator: ", ")
        throw SpinError(.forbidden, "\(what) \"\(path)\" is outside the allowed paths (\(list)); the operator can allow its directory with \(option)")
    }

    public var description: String { roots.joined(separator: ":") }

    /// `path` with every link followed; for a missing path, its deepest existing ancestor
    /// resolved plus the rest. nil for a relative path or one with a `..` in its missing part.
    static func resolve(_ path: String) -> String? {
        guard path.utf8.first == UInt8(ascii: "/"), !path.utf8.contains(0) else { return nil }
        var existing = path
        var rest: [Substring] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                guard !rest.contains(where: { $0 == ".." }) else { return nil }
                let tail = rest.reversed().filter { !$0.isEmpty && $0 != "." }.joined(separator: "/")
                if tail.isEmpty { return base }
                return base == "/" ? "/" + tail : base + "/" + tail
            }
            guard let slash = existing.lastIndex(of: "/"), existing != "/" else { return nil }
            rest.append(existing[existing.index(after: slash)...])
            existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
        }
    }
}
