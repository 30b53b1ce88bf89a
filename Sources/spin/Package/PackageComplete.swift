import ArgumentParser
import SpinCore

/// `spin package complete CMD true|false [REASON]`: record a command's outcome by hand.
struct PackageComplete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Record a command's outcome by hand, as an agent would.",
        discussion: "Completing a finished command again changes nothing.\nExample: spin package complete 3f2a…-… false \"disk full\""
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The command's id.") var command: String
    @Argument(help: "true if it succeeded, false if it failed.") var success: Bool
    @Argument(help: "Why it failed.") var reason: String?

    func run() async throws {
        let id = try PackageAdd.commandID(command)
        let record = try await global.withBackend(agents: false) { backend in
            try await backend.complete(id, success: success, reason: reason)
            return try await backend.command(id)
        }
        try Output.emit(global, record) { "command \(command): \(record.state.rawValue)" }
    }
}
