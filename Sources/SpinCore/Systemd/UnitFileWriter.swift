import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes and removes unit files so that callers daemon-reload only when something changed.
public enum UnitFileWriter {
    /// Where the system manager reads administrator units.
    public static let systemUnitDirectory = "/etc/systemd/system"

    /// Where a user manager reads the user's units: `$XDG_CONFIG_HOME/systemd/user`, else
    /// `$HOME/.config/systemd/user`.
    /// - Throws: `.failedPrecondition` when neither variable is set to an absolute path.
    public static func userUnitDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpinError) -> String {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/systemd/user"
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return home + "/.config/systemd/user"
        }
        throw SpinError(.failedPrecondition, "cannot find the user unit directory: set HOME or XDG_CONFIG_HOME")
    }

    /// The unit directory of the manager at `scope`.
    public static func unitDirectory(
        for scope: SystemdScope,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpinError) -> String {
        switch scope {
        case .system: systemUnitDirectory
        case .user, .userBus: try userUnitDirectory(environment: environment)
        }
    }

    /// Writes `unit` to `directory/<name>` (creating the directory), atomically and with mode
    /// 0644. Returns `false` without touching the file when it already holds the same bytes.
    @discardableResult
    public static func write(_ unit: UnitFile, to directory: String) throws(SpinError) -> Bool {
        let text = try unit.rendered()
        return try write(Array(text.utf8), named: unit.name, to: directory)
    }

    /// Removes `directory/<name>`; returns whether a file was there.
    @discardableResult
    public static func remove(_ name: String, from directory: String) throws(SpinError) -> Bool {
        let path = try filePath(name, in: directory)
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw failure("remove unit file \(path)")
    }

    static func write(_ bytes: [UInt8], named name: String, to directory: String) throws(SpinError) -> Bool {
        let path = try filePath(name, in: directory)
        if let existing = FileManager.default.contents(atPath: path), Array(existing) == bytes {
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SpinError(.actionFailed, "cannot create unit directory \(directory): \(error.localizedDescription)")
        }
        let temporary = directory + "/." + name + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create \(temporary)") }
        var ok = fchmod(fd, 0o644) == 0
        ok = ok && writeAll(bytes, to: fd)
        ok = ok && fsync(fd) == 0
        let error = failure("write \(temporary)")
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let failed = ok ? failure("rename \(temporary) to \(path)") : error
            unlink(temporary)
            throw failed
        }
        return true
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = Glibc.write(fd, base + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    private static func filePath(_ name: String, in directory: String) throws(SpinError) -> String {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw SpinError(.invalidArgument, "unit name \"\(name)\" is not a file name")
        }
        return directory + "/" + name
    }

    private static func failure(_ what: String) -> SpinError {
        SpinError(.actionFailed, "cannot \(what): \(String(cString: strerror(errno)))")
    }
}
