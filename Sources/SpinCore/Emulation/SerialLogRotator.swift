import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a VM's serial log (`vms/<id>/serial.log`) under a cap, so a guest writing to its
/// console forever cannot fill the disk: once the log passes ``limit`` bytes, its last
/// ``limit`` bytes are copied to `serial.log.1` (replacing the previous one) and the log is
/// truncated in place. qemu opens the log with `O_APPEND` (`logappend=on`), so it goes on
/// writing at the new end; nothing else holds the file. On disk stay at most about twice the
/// limit, plus what the guest writes between two checks.
public struct SerialLogRotator: Sendable {
    /// The cap of the live log, in bytes (default 4 MiB; `SPIN_SERIAL_LOG_LIMIT` overrides).
    public let limit: UInt64

    /// The default cap: `$SPIN_SERIAL_LOG_LIMIT` bytes when set and valid, else 4 MiB.
    public static var defaultLimit: UInt64 {
        getenv("SPIN_SERIAL_LOG_LIMIT").flatMap { UInt64(String(cString: $0)) }.flatMap { $0 >= 4096 ? $0 : nil } ?? 4 << 20
    }

    /// Creates a rotator with `limit` bytes.
    public init(limit: UInt64 = SerialLogRotator.defaultLimit) { self.limit = limit }

    /// The rotated file of `log`.
    public static func rotatedPath(of log: String) -> String { log + ".1" }

    /// Rotates `log` when it is over the limit.
    /// - Returns: whether it rotated.
    @discardableResult
    public func rotateIfNeeded(_ log: String) -> Bool {
        var info = stat()
        guard lstat(log, &info) == 0, info.st_mode & S_IFMT == S_IFREG, UInt64(info.st_size) > limit else { return false }
        let fd = open(log, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let size = UInt64(lseek(fd, 0, SEEK_END))
        let start = size > limit ? size - limit : 0
        var tail = [UInt8](repeating: 0, count: Int(size - start))
        let count = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard count >= 0 else { return false }
        let rotated = Self.rotatedPath(of: log)
        let staging = rotated + ".tmp"
        guard FileManager.default.createFile(atPath: staging, contents: Data(tail[0..<count]), attributes: [.posixPermissions: 0o600]),
            rename(staging, rotated) == 0
        else {
            unlink(staging)
            return false
        }
        return ftruncate(fd, 0) == 0
    }

    /// The last `maxBytes` bytes of `log`, for error messages: never the whole file.
    public static func tail(of log: String, maxBytes: Int = 16 << 10) -> String? {
        guard let handle = FileHandle(forReadingAtPath: log) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0)
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
