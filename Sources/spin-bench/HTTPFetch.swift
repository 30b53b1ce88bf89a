import Foundation
import SpinQemu

/// A GET with a bearer token through curl (installed by scripts/install-deps): the exact body
/// bytes, for the bench's baseline route.
enum HTTPFetch {
    /// The body of `url`; retries connection failures for up to `retryFor`.
    static func get(_ url: String, token: String, retryFor: Duration = .zero) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + retryFor
        while true {
            let result = try await ProcessRunner.run(
                "curl", ["--silent", "--show-error", "--fail", "--header", "Authorization: Bearer \(token)", url], check: false)
            if result.termination == .exited(0) { return Array(result.standardOutput) }
            guard ContinuousClock.now < deadline else {
                throw BenchError("GET \(url) failed (\(result.termination)): \(result.standardErrorText)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
