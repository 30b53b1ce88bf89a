import Foundation

/// Where spin keeps its data: an explicit path, else `$SPIN_ROOT`, else `/var/lib/spin` for
/// root (a system service; qemu's unprivileged user must be able to pass through the
/// directories above its files, which `/root` never lets it), else `~/.config/spin`.
///
/// Layout: `spin.lmdb/` (the store), `images/<volume>/` (default volume root), `vms/<id>/`
/// (per-VM files such as the serial log).
public struct SpinRoot: Sendable, Equatable {
    /// The root directory.
    public let path: String

    /// Resolves the root from an explicit path, the environment, or the default.
    public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit, !explicit.isEmpty {
            path = SpinRoot.absolute(explicit)
        } else if let fromEnv = environment["SPIN_ROOT"], !fromEnv.isEmpty {
            path = SpinRoot.absolute(fromEnv)
        } else if geteuid() == 0 {
            path = "/var/lib/spin"
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            path = home + "/.config/spin"
        }
    }

    /// The LMDB store directory.
    public var storePath: String { path + "/spin.lmdb" }
    /// The default directory for volumes created without a path.
    public var imagesPath: String { path + "/images" }
    /// The directory of one VM's files.
    public func vmDirectory(id: UInt64) -> String { path + "/vms/\(id)" }

    /// Creates the root directory (mode 0700) and its parents when missing.
    public func create() throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    private static func absolute(_ path: String) -> String {
        if path.utf8.first == UInt8(ascii: "/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        let cwd = FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: cwd).appendingPathComponent(path).standardizedFileURL.path
    }
}
