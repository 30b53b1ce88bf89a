import ArgumentParser
import SpinCore

/// `spin network get NAME`.
struct NetworkGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one managed network.",
        discussion: "Example: spin network get lan"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The network's name.") var name: String

    func run() async throws {
        let network = try await global.withReader { backend in try await backend.network(name) }
        try Output.emit(global, network) {
            [
                "name:     \(network.name)", "subnet:   \(network.subnet)", "gateway:  \(network.gateway)",
                "bridge:   \(network.bridge)", "nat:      \(network.nat ? "yes" : "no")", "domain:   \(network.dnsDomain ?? "-")",
            ].joined(separator: "\n")
        }
    }
}
