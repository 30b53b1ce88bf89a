import ArgumentParser
import SpinCore

/// `spin network get NAME`.
struct NetworkGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one network and whether its dnsmasq runs (managed networks).",
        discussion: "Example: spin network get lan"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The network's name.") var name: String

    func run() async throws {
        let network = try await global.withReader { backend in try await backend.network(name) }
        try Output.emit(global, network) {
            [
                "name:     \(network.name)", "kind:     \(network.external ? "external (the operator's bridge; spin only attaches NICs)" : "managed")",
                "subnet:   \(network.subnet.map(\.description) ?? "-")", "gateway:  \(network.gateway ?? "-")",
                "bridge:   \(network.bridge)", "nat:      \(network.nat ? "yes" : "no")", "domain:   \(network.dnsDomain ?? "-")",
                "dnsmasq:  \(network.external ? "- (none: external)" : Self.describe(network.dnsmasq))",
            ].joined(separator: "\n")
        }
    }

    /// `running (pid 42, direct)`, `not running (systemd spin-net-lan.service activating/auto-restart)`.
    static func describe(_ status: NetworkDaemonStatus?) -> String {
        guard let status else { return "-" }
        let pid = status.pid.map { "pid \($0), " } ?? ""
        return (status.running ? "running" : "not running") + " (\(pid)\(status.supervisor))"
    }
}
