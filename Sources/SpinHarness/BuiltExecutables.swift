import Foundation

/// Executables of this package, found next to the running test bundle or benchmark (SwiftPM
/// builds them into the same directory).
public enum BuiltExecutables {
    /// The path of the executable product `name` (`spin`, `spin-testkit`, …).
    public static func path(_ name: String) throws -> String {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw HarnessError("\(name) is not built next to the tests (\(exe)); run swift build --build-tests")
    }
}
