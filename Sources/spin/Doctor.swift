import ArgumentParser
import Foundation
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

    /// One finding.
    struct Check: Encodable {
        /// What was checked: `qemu`, `qemu-img`, `accelerator`, `supervisor`, `store`, `runtime`.
        let name: String
        /// Whether it is fine.
        let ok: Bool
        /// What was found.
        let detail: String
        /// How to fix it, when not fine.
        let fix: String?
    }

    /// The whole report.
    struct Report: Encodable {
        /// Whether every check passed.
        let ok: Bool
        /// The checks, in order.
        let checks: [Check]
    }

    func run() async throws {
        // Embedded, the checks open the store themselves, so that a store that fails to open is
        // a finding rather than an error.
        let checks = global.isRemote
            ? try await global.withBackend(agents: false) { backend in try await backend.hostChecks() }
            : await DoctorChecks(root: global.spinRoot).all()
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
}
