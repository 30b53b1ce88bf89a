import Foundation
import SpinTestSupport

/// Host tools and file checks for the base image and import tests: qemu-img, qemu-io,
/// sha256sum, and spin's mark on a file.
enum HostTool {
    /// Runs `tool ARGS` and returns its standard output; throws when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(tool) \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `qemu-img info --output json -U` of an image read as `format`.
    static func info(_ path: String, format: String) throws -> [String: Any] {
        let text = try run("qemu-img", ["info", "--output", "json", "-U", "-f", format, path])
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The SHA-256 of a file.
    static func sha256(_ path: String) throws -> String {
        String(try run("sha256sum", [path]).prefix(64))
    }

    /// Whether the file carries spin's mark (`user.spin.image`).
    static func isMarked(_ path: String) -> Bool {
        // <sys/xattr.h> is not in Glibc's module; Python's os.getxattr is at hand.
        let value = try? run("python3", ["-c", "import os, sys; print(os.getxattr(sys.argv[1], 'user.spin.image').decode())", path])
        return value?.hasPrefix("spin-image-v1:") == true
    }

    /// A file of `size` bytes: `marker` at its start, then zeros.
    static func writeRaw(_ path: String, size: Int, marker: String = "SPIN-BASE-MARKER") throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(marker.utf8)) else { throw HarnessError("cannot create \(path)") }
        guard truncate(path, off_t(size)) == 0 else { throw HarnessError("cannot size \(path)") }
    }

    /// Names in `directory` that are not hidden.
    static func visibleFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Every name in `directory`, hidden ones too.
    static func allFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
