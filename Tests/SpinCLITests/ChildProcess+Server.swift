import Foundation
import SpinTestSupport

extension ChildProcess {
    /// Starts `spin serve --root ROOT --supervisor direct EXTRA [--token TOKEN]` and waits until `spin volume
    /// list --host HOST` answers through it.
    /// - Parameters:
    ///   - host: what `--host` takes to reach it.
    ///   - token: the token the server requires and clients send (TCP).
    static func server(_ cli: CLI, _ extra: [String] = [], host: String, token: String? = nil) async throws -> ChildProcess {
        let tokenArguments = token.map { ["--token", $0] } ?? []
        // The server confines the paths callers name: allow the test directory and the guests.
        let guests = ProcessInfo.processInfo.environment["SPIN_GUEST_DIR"] ?? "/var/tmp/spin-test-guests"
        let allowed = ["--allow-path", cli.directory, "--allow-path", guests]
        let server = try ChildProcess(["serve", "--root", cli.root, "--supervisor", "direct"] + allowed + extra + tokenArguments)
        let probe = ["volume", "list", "--host", host] + tokenArguments
        var last: CLI.Result?
        let ready = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(100)) {
            last = try? cli.run(probe)
            return last?.status == 0
        }
        guard ready else {
            server.stop()
            throw HarnessError("spin serve \(extra.joined(separator: " ")) did not answer on \(host): \(last.map(String.init(describing:)) ?? "-")\n\(server.text)")
        }
        return server
    }
}
