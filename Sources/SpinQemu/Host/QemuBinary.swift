import Foundation
import Synchronization

/// Where `qemu-system-x86_64` and `qemu-img` are, and what they can do.
public struct QemuBinary: Sendable, Equatable {
    /// Path of the system emulator.
    public var systemPath: String
    /// Path of `qemu-img`.
    public var imgPath: String

    /// Uses the given paths as they are.
    public init(systemPath: String, imgPath: String) {
        self.systemPath = systemPath
        self.imgPath = imgPath
    }

    /// Finds both programs: explicit overrides win, then each directory of `PATH`.
    ///
    /// - Throws: ``QemuBinary/NotFound`` naming the program and the way out.
    public static func discover(
        systemOverride: String? = nil, imgOverride: String? = nil,
        path: String? = ProcessInfo.processInfo.environment["PATH"]
    ) throws(NotFound) -> QemuBinary {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ name: String, _ override: String?) throws(NotFound) -> String {
            if let override {
                guard FileManager.default.isExecutableFile(atPath: override) else { throw NotFound(program: override) }
                return override
            }
            for directory in directories where !directory.isEmpty {
                let candidate = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            throw NotFound(program: name)
        }
        return QemuBinary(
            systemPath: try find("qemu-system-x86_64", systemOverride),
            imgPath: try find("qemu-img", imgOverride))
    }

    /// A program that is not installed or not executable.
    public struct NotFound: Error, Equatable, Sendable, CustomStringConvertible {
        /// The program name or path.
        public var program: String
        /// `qemu-img was not found …; install qemu-utils …`.
        public var description: String {
            "\(program) was not found or is not executable; install qemu-system-x86 and qemu-utils, or pass its path"
        }
    }

    /// The emulator's version from `-version` ("QEMU emulator version 7.2.22 (Debian …)").
    public func version() async throws -> QMPVersion {
        let result = try await ProcessRunner.run(systemPath, ["-version"])
        guard let version = Self.parseVersion(result.standardOutputText) else {
            throw QMPError.decoding("unrecognized -version output", raw: result.standardOutputText)
        }
        return version
    }

    /// Parses the first `N.N.N` after "version".
    static func parseVersion(_ text: String) -> QMPVersion? {
        guard let range = text.range(of: "version ") else { return nil }
        let rest = text[range.upperBound...]
        let number = rest.prefix { $0.isNumber || $0 == "." }
        let parts = number.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        var package = ""
        if let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            package = String(rest[rest.index(after: open)..<close])
        }
        return QMPVersion(major: parts[0], minor: parts[1], micro: parts.count > 2 ? parts[2] : 0, package: package)
    }

    private static let sandboxCache = Mutex<[String: Bool]>([:])

    /// Whether the emulator was built with seccomp (`-sandbox`); probed once per path.
    ///
    /// Probes `-sandbox help`: a binary without seccomp says "-sandbox support is not
    /// enabled", an unknown option says "invalid option"; one with it rejects the value "help".
    public func supportsSandbox() async -> Bool {
        if let cached = Self.sandboxCache.withLock({ $0[systemPath] }) { return cached }
        let supported = await probeSandbox()
        Self.sandboxCache.withLock { $0[systemPath] = supported }
        return supported
    }

    /// Runs the `-sandbox help` probe now, remembering nothing (callers that cache the answer
    /// across processes key it on the binary themselves).
    public func probeSandbox() async -> Bool {
        let result = try? await ProcessRunner.run(systemPath, ["-sandbox", "help"], check: false)
        return result.map { Self.sandboxSupported(stderr: $0.standardErrorText) } ?? false
    }

    /// Reads the `-sandbox help` diagnostic.
    static func sandboxSupported(stderr: String) -> Bool {
        let lower = stderr.lowercased()
        if lower.contains("not enabled") || lower.contains("invalid option") || lower.contains("no option group") {
            return false
        }
        return lower.contains("sandbox") || lower.contains("enable")
    }
}
