import Foundation
import SpinModel

/// Which bearer token a client sends.
extension SpinRemote {
    /// The token for `endpoint`: `explicit`, else `$SPIN_TOKEN`, else (over TCP) the root's
    /// `server.token` — what the CLI sends, and what `spin view` puts in the console URL.
    /// - Returns: nil when none is known (a unix socket needs none).
    public static func resolveToken(
        root: SpinRoot, endpoint: SpinEndpoint, explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["SPIN_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        guard endpoint.isTCP else { return nil }
        let text = (try? String(contentsOfFile: root.path + "/server.token", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : nil
    }
}
