import ArgumentParser
import SpinCore

/// `spin-server`: the spin HTTP API over a unix socket (default) or TCP with a token.
@main
struct SpinServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin-server",
        abstract: "Serve the spin API (OpenAPI document at /openapi.yaml).",
        subcommands: [Serve.self, Token.self, AgentCommand.self, UnitCommand.self, SetupCommand.self, MigrateCommand.self],
        defaultSubcommand: Serve.self)
}

/// Flags every subcommand accepts.
struct RootOptions: ParsableArguments {
    @Option(name: .long, help: "Data root (default: $SPIN_ROOT, else ~/.config/spin).")
    var root: String?

    /// The resolved data root.
    var spinRoot: SpinRoot { SpinRoot(explicit: root) }
}
