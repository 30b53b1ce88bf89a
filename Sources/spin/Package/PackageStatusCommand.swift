import ArgumentParser
import SpinCore

/// `spin package status PKG [--wait]`.
struct PackageStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a package and its commands; --wait serves the queues until it finishes.",
        discussion: "With --wait a failed package exits 1.\nExample: spin package status 1 --wait"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The package's id.") var package: UInt64
    @Flag(help: "Run the package's commands in this process and wait until it finishes.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Int = 600

    func run() async throws {
        let status = wait
            ? try await global.withBackend(agents: true) { backend in try await backend.waitForPackage(package, timeoutSeconds: timeout) }
            : try await global.withReader { backend in try await backend.packageStatus(package) }
        try Output.emit(global, status) { PackageCommand.text(status) }
        if wait && status.package.state == .failed { throw ExitCode(SpinError.Code.actionFailed.exitCode) }
    }
}
