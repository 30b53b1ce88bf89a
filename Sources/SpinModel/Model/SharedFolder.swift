/// A host directory shared with the guest over virtiofs: `--mount HOSTDIR[:GUESTPATH][:ro]`.
/// The guest sees it under the tag ``tag(index:)`` and, when the VM has a cloud-init seed,
/// mounts it at ``guestPath`` at every boot.
///
/// JSON: `{"hostPath":"/home/me/src","guestPath":"/src","readOnly":false}`.
public struct SharedFolder: Sendable, Codable, Equatable, Hashable {
    /// The absolute host directory (on the VM's host); it must exist when the VM starts.
    public var hostPath: String
    /// Where the guest mounts it: an absolute path of letters, digits and `/._-+@`.
    public var guestPath: String
    /// Whether the share is read-only: the host daemon serves it from a read-only bind mount
    /// and the guest mounts it `ro`.
    public var readOnly: Bool

    /// Creates a share; the guest path defaults to the host path.
    public init(hostPath: String, guestPath: String? = nil, readOnly: Bool = false) {
        self.hostPath = hostPath
        self.guestPath = guestPath ?? hostPath
        self.readOnly = readOnly
    }

    /// The most shares a VM may have.
    public static let maxPerVM = 8

    /// The virtiofs tag of the share at `index` among a VM's shares: `spin0`, `spin1`, …
    /// (`mount -t virtiofs spin0 /src` in the guest).
    public static func tag(index: Int) -> String { "spin\(index)" }

    /// Every problem; fields are relative (`hostPath`, `guestPath`).
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.absolutePath(hostPath, field: "hostPath", example: "/home/me/src")
        if hostPath.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            validator.add("hostPath", "\(quoted(hostPath)) contains \".\" or \"..\"; give the directory's plain absolute path")
        }
        let allowed = { (b: UInt8) in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "/") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "@")
        }
        let components = guestPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if guestPath.utf8.first != UInt8(ascii: "/") || guestPath.utf8.count < 2 || guestPath.utf8.count > 1024 {
            validator.add("guestPath", "\(quoted(guestPath)) is not an absolute guest directory below /; give one such as /src")
        } else if !guestPath.utf8.allSatisfy(allowed) || components.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) {
            validator.add("guestPath", "\(quoted(guestPath)) may hold only letters, digits and / . _ - + @, without empty, . or .. parts; give a plain path such as /src")
        }
        return validator.problems
    }
}

extension SharedFolder {
    /// Parses `HOSTDIR[:GUESTPATH][:ro|:rw]`; the host directory is taken as given (make it
    /// absolute first).
    /// - Throws: ``SpinError`` `.invalidArgument` naming the form.
    public init(parsing text: String) throws {
        let parsed = try Self.parse(text)
        self.init(hostPath: parsed.hostPath, guestPath: parsed.guestPath, readOnly: parsed.readOnly)
    }

    /// The parts of `HOSTDIR[:GUESTPATH][:ro|:rw]`; `guestPath` is nil when not given.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the form.
    public static func parse(_ text: String) throws -> (hostPath: String, guestPath: String?, readOnly: Bool) {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var readOnly = false
        if parts.count > 1, let last = parts.last, last == "ro" || last == "rw" {
            readOnly = last == "ro"
            parts.removeLast()
        }
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw SpinError(.invalidArgument, "--mount \(quoted(text)) is not HOSTDIR[:GUESTPATH][:ro], e.g. ~/src:/src or /srv/data:/data:ro")
        }
        return (parts[0], parts.count == 2 ? parts[1] : nil, readOnly)
    }
}

extension SharedFolder: CustomStringConvertible {
    /// `HOSTDIR:GUESTPATH[:ro]`.
    public var description: String { "\(hostPath):\(guestPath)\(readOnly ? ":ro" : "")" }
}
