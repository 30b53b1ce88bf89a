import ArgumentParser
import SpinCore

/// `spin network list`.
struct NetworkList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List networks: name, subnet, gateway, bridge, NAT, DNS domain and whether dnsmasq runs (external bridges: subnet external).",
        discussion: "Example: spin network list"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let networks = try await global.withReader { backend in try await backend.listNetworks() }
        try Output.emit(global, networks) {
            Table(headers: ["name", "subnet", "gateway", "bridge", "nat", "domain", "dnsmasq"], rows: networks.map {
                [$0.name, $0.subnet.map(\.description) ?? "external", $0.gateway ?? "-", $0.bridge, $0.nat ? "yes" : "no", $0.dnsDomain ?? "-",
                 $0.dnsmasq.map { $0.running ? "running" : "not running" } ?? "-"]
            }).render()
        }
    }
}
