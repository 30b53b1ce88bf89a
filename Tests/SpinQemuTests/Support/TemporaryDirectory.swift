import Foundation

/// A short-named temporary directory (`/tmp/sq-XXXXXXXX`) so unix socket paths stay < 108 bytes;
/// removed with everything in it when the value goes away.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        path = "/tmp/sq-" + suffix
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
