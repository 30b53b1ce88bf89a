import ArgumentParser
import SpinCore

/// `spin vm update ID`: change CPUs, memory, port forwards or autostart.
struct VMUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a VM's CPUs, memory, port forwards or autostart; applies at its next start.",
        discussion: """
            --port replaces every forward with the ones given; --no-ports removes them all. \
            --autostart / --no-autostart take effect at once: the VM starts (or no longer \
            starts) when the host starts.
            Example: spin vm update web --cpus 4 --memory 2048 -p 80:127.0.0.1:8080
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(name: [.customShort("c"), .long], help: "Virtual CPUs.") var cpus: Int?
    @Option(name: [.customShort("m"), .long], help: "Memory in MiB.") var memory: Int?
    @Option(name: [.customShort("p"), .long], help: "A port forward GUEST:HOSTADDR:HOSTPORT[/udp]; repeatable.") var port: [String] = []
    @Flag(help: "Remove every port forward.") var noPorts = false
    @Flag(inversion: .prefixedNo, help: "Start the VM when the host starts (systemd: enable its unit; direct: spin-server starts it).")
    var autostart: Bool?
    @Option(help: "The VM's NICs on networks, NET[:ADDRESS]; repeatable; replaces the list (a NIC kept keeps its MAC and address).") var network: [String] = []
    @Flag(help: "Remove every NIC on a managed or external network.") var noNetworks = false

    func validate() throws {
        if noPorts && !port.isEmpty { throw ValidationError("give --port or --no-ports, not both") }
        if noNetworks && !network.isEmpty { throw ValidationError("give --network or --no-networks, not both") }
        if cpus == nil && memory == nil && port.isEmpty && !noPorts && autostart == nil && network.isEmpty && !noNetworks {
            throw ValidationError("nothing to change; give --cpus, --memory, --port, --no-ports, --network, --no-networks or --[no-]autostart")
        }
    }

    func run() async throws {
        let ports = try port.map(PortForward.init(parsing:))
        let (cpus, memory, noPorts, autostart) = (cpus, memory, noPorts, autostart)
        let networks = network.map(NetworkAttachment.init(parsing:)), noNetworks = noNetworks
        let updated = try await global.withBackend { backend in
            try await backend.updateVM(vm) { record in
                if let cpus { record.cpus = cpus }
                if let memory { record.memoryMiB = memory }
                if !ports.isEmpty || noPorts { record.ports = ports }
                if let autostart { record.autostart = autostart }
                if !networks.isEmpty || noNetworks {
                    // A NIC on a network it already had keeps its MAC and address (the registry's).
                    record.networks = networks.map { nic in
                        nic.address == nil ? record.networks.first { $0.network == nic.network } ?? nic : nic
                    }
                }
            }
        }
        try Output.emit(global, updated) { "updated VM \(updated.id) (\(updated.name)); changes apply at its next start" }
    }
}
