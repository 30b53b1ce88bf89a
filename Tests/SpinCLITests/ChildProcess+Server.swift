import Foundation
import SpinTestSupport

extension ChildProcess {
    /// Starts `spin serve --root ROOT --supervisor direct EXTRA` and waits until `spin volume
    /// list --host HOST` answers through it.
    /// - Parameters:
    ///   - host: what `--host` takes to reach it.
    ///   - token: the token clients must send (TCP).
    static func server(_ cli: CLI, _ extra: [String] = [], host: String, token: String? = nil) async throws -> ChildProcess {
        let server = try ChildProcess(["serve", "--root", cli.root, "--supervisor", "direct"] + extra)
        let probe = ["volume", "list", "--host", host] + (token.map { ["--token", $0] } ?? [])
        let ready = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(100)) {
            (try? cli.run(probe))?.status == 0
        }
        guard ready else {
            server.stop()
            throw HarnessError("spin serve \(extra.joined(separator: " ")) did not answer on \(host):\n\(server.text)")
        }
        return server
    }
}
