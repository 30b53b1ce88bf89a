import ArgumentParser
import SpinServer

/// `spin-server serve` (the default): runs the API in the foreground until SIGTERM/SIGINT,
/// then lets in-flight requests finish. `spin serve` is the same command.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server in the foreground (the default).")

    @OptionGroup var options: RootOptions
    @OptionGroup var serve: ServeOptions
    @OptionGroup var fleet: FleetStoreOption

    @Option(
        name: .long,
        help: "The bearer token for TCP, at least 16 characters (default: $SPIN_TOKEN, else ROOT/server.token, created when missing). Prefer those two: other users can read a command line.")
    var token: String?

    func run() async throws {
        try await serve.run(root: options.spinRoot, token: token, fleetStore: fleet.url().map(FleetStoreOption.opener(url:)))
    }
}
