import Foundation
import SpinCore

/// The bearer token that guards the TCP listener: 32 random bytes as hex, created at the
/// first start and kept in `<root>/server.token` with mode 0600.
public struct ServerToken: Sendable {
    /// The token's text.
    public let value: String

    /// Wraps a known token (a test's); unchecked — a server start uses ``init(checking:source:)``.
    public init(_ value: String) { self.value = value }

    /// The fewest characters a token may have. The generated one has 64.
    public static let minimumLength = 16

    /// Wraps a token an operator gave, refusing one that is too short to guard the API.
    /// - Parameter source: where it came from, for the message (`--token`, `$SPIN_TOKEN`).
    /// - Throws: ``SpinError`` `.invalidArgument` naming the source and the fix.
    public init(checking value: String, source: String) throws {
        let length = value.unicodeScalars.count
        guard length >= Self.minimumLength else {
            let what = length == 0 ? "is empty" : "has \(length) characters"
            throw SpinError(.invalidArgument, "the token from \(source) \(what); a token needs at least \(Self.minimumLength). Use a long random one (openssl rand -hex 32), or unset it to let spin-server create ROOT/server.token")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw SpinError(.invalidArgument, "the token from \(source) contains a space or control character; use printable characters only (openssl rand -hex 32)")
        }
        self.value = value
    }

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
