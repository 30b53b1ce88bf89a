import Foundation
import SpinModel

/// The OpenAPI document this module was generated from, as shipped next to the program
/// (SwiftPM's `spin_SpinAPI.resources` directory beside the executable).
public enum OpenAPIDocument {
    /// The bundle directory's name.
    public static let bundleName = "spin_SpinAPI.resources"

    /// The places the document is looked for: beside the running executable, then the
    /// system-wide copy an installation puts in `/usr/share/spin`.
    public static var candidatePaths: [String] {
        var paths: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            paths.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(bundleName + "/openapi.yaml").path)
        }
        paths.append("/usr/share/spin/openapi.yaml")
        return paths
    }

    /// The document's bytes.
    /// - Throws: ``SpinError`` `.unavailable` naming where it looked.
    public static func data() throws -> Data {
        for path in candidatePaths {
            if let data = FileManager.default.contents(atPath: path) { return data }
        }
        throw SpinError(.unavailable, "the OpenAPI document is not installed; looked in \(candidatePaths.joined(separator: ", ")); copy Sources/SpinAPI/openapi.yaml there")
    }
}
