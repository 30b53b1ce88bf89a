import ArgumentParser
import SpinCore

/// `spin network delete NAME`.
struct NetworkDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a managed network: its dnsmasq, NAT rules, bridge and files.",
        discussion: "Refused while a VM has a NIC on it.\nExample: spin network delete lan"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The network's name.") var name: String

    func run() async throws {
        try await global.withBackend { backend in try await backend.deleteNetwork(name) }
        try Output.emit(global, ["deleted": name]) { "deleted network \(name)" }
    }
}
