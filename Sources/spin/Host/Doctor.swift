import ArgumentParser
import Foundation
import SpinClient
import SpinCore
import SpinQemu

/// `spin doctor`: is this host ready to run VMs, and if not, what to do.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this host: qemu, qemu-img, accelerator, supervisor, store, runtime directory and qemu user.",
        discussion: """
            Each line is OK or the fix. Exits 69 when something needs fixing. With --host, shows \
            the server's report of its host (GET /v1/host).
            Example: spin doctor
            Example: spin doctor --host 127.0.0.1:8080
            """
    )

    @OptionGroup var global: GlobalOptions

    /// The whole report.
    struct Report: Encodable {
        /// Whether every check passed.
        let ok: Bool
        /// The checks, in order.
        let checks: [HostCheck]
    }

    func run() async throws {
        // Embedded, the checks open the store themselves, so that a store that fails to open is
        // a finding rather than an error.
        let checks = global.isRemote
            ? try await remoteChecks()
            : await HostChecks(root: global.spinRoot).all()
        let report = Report(ok: checks.allSatisfy(\.ok), checks: checks)
        try Output.emit(global, report) {
            let width = checks.map(\.name.count).max() ?? 0
            return checks.map { check in
                let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
                return check.ok ? "OK   \(name)  \(check.detail)" : "FIX  \(name)  \(check.detail); \(check.fix ?? "")"
            }.joined(separator: "\n")
        }
        if !report.ok { throw ExitCode(SpinError.Code.unavailable.exitCode) }
    }

    /// The server's checks of its host, after a line naming the server.
    private func remoteChecks() async throws -> [HostCheck] {
        try await global.withRemote { remote in
            let host = try await remote.host()
            let server = HostCheck(
                name: "server", ok: true,
                detail: "spin-server \(host.version) at \(remote.endpoint), root \(host.root), supervisor \(host.supervisor.rawValue)")
            return [server] + host.checks.map { check in
                var check = check.model
                if !check.ok { check.fix = "on the server's host: " + (check.fix ?? check.detail) }
                return check
            }
        }
    }
}
