import ArgumentParser
import SpinCore

/// `spin network taps VM`: what systemd runs before the qemu of a VM with NICs on managed networks.
struct NetworkTaps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taps",
        abstract: "Make a VM's taps on its networks' bridges (and the networks' bridges and dnsmasq when missing), without starting it.",
        discussion: "Needs root. The systemd unit of a VM with NICs on managed networks runs it before qemu (ExecStartPre), so an autostart VM that systemd starts at boot gets its taps; spin start makes them itself.\nExample: spin network taps web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        try await global.withSpin { spin in try await spin.prepareTaps(vm) }
    }
}
