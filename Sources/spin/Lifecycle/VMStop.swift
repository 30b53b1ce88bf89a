import ArgumentParser
import SpinCore

/// `spin stop ID`: power off gracefully, then force.
struct VMStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a VM: ACPI power-off, then kill it when the timeout passes.",
        discussion: "Stopping a stopped VM succeeds.\nExample: spin stop web --timeout 10"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(help: "Seconds to wait for the guest before killing it, 0 to 3600; 0 kills it at once (default: the VM's stop timeout, 30).") var timeout: Int?

    func run() async throws {
        let timeout = timeout
        try await Lifecycle.perform(global, vm, verb: "stopping") { backend, id in try await backend.stopVM(id, timeoutSeconds: timeout) }
    }
}
