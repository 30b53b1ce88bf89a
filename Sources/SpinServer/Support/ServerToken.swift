import Foundation
import SpinCore

/// The bearer token that guards the TCP listener: 32 random bytes as hex, created at the
/// first start and kept in `<root>/server.token` with mode 0600.
public struct ServerToken: Sendable {
    /// The token's text.
    public let value: String

    /// Wraps a known token (from `--token` or a test).
    public init(_ value: String) { self.value = value }

    /// Where the token lives under a root.
    public static func path(in root: SpinRoot) -> String { root.path + "/server.token" }

    /// Reads the root's token, creating it (mode 0600, never replacing one) when missing.
    public static func loadOrCreate(in root: SpinRoot) throws -> ServerToken {
        let path = path(in: root)
        if let existing = try load(from: path) { return existing }
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            // Another process created it first: use theirs.
            if errno == EEXIST, let existing = try load(from: path) { return existing }
            throw SpinError(.unavailable, "cannot create the token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array((hex + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw SpinError(.unavailable, "cannot write the token file \(path): \(String(cString: strerror(errno)))")
        }
        return ServerToken(hex)
    }

    /// Reads a token file; nil when it does not exist.
    public static func load(from path: String) throws -> ServerToken? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw SpinError(.unavailable, "the token file \(path) is empty; delete it and restart spin-server") }
            return ServerToken(text)
        } catch let error as SpinError {
            throw error
        } catch {
            throw SpinError(.unavailable, "cannot read the token file \(path): \(error)", cause: error)
        }
    }

    /// Whether `candidate` is this token, in time that does not depend on where they differ.
    public func matches<S: StringProtocol>(_ candidate: S) -> Bool {
        let a = Array(value.utf8)
        let b = Array(candidate.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<a.count {
            difference |= a[index] ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
