import ArgumentParser
import SpinCore

/// `spin package enqueue PKG`.
struct PackageEnqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Hand an open package's commands to their queues.",
        discussion: "Example: spin package enqueue 1"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The package's id.") var package: UInt64

    func run() async throws {
        let status = try await global.withBackend(agents: false) { backend in
            try await backend.enqueue(package)
        }
        try Output.emit(global, status) { "package \(package): \(status.package.state.rawValue)" }
    }
}
