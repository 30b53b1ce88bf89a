import Foundation
import SpinTestSupport

extension NetworkCLITests {
    /// Runs `body` with a fresh namespace, a private systemd user manager started inside it
    /// (`nsenter --net`, so it and its units share the namespace) and a CLI whose commands run
    /// there and pick that manager; kills what the root started afterwards, whatever happened.
    static func withSystemd(_ body: (CLI, NetworkNamespace, PrivateSystemdManager) async throws -> Void) async throws {
        try await NetworkNamespace.with { ns in
            try await withPrivateSystemdManager(wrapper: ns.netOnlyWrapper) { manager in
                try await CLI.with { base in
                    var cli = cli(base, ns)
                    cli.environment = ["XDG_RUNTIME_DIR": manager.runtimeDirectory, "HOME": manager.home]
                    defer { cleanUp(cli) }
                    try await body(cli, ns, manager)
                }
            }
        }
    }
}
