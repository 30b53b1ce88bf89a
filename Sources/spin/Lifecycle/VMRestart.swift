import ArgumentParser
import SpinCore

/// `spin restart ID`: stop (graceful, then forced) and start again.
struct VMRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stop a VM (graceful, then forced) and start it again.",
        discussion: "Example: spin restart web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(help: "Seconds to wait for the guest before killing it, 0 to 3600; 0 kills it at once (default: the VM's stop timeout, 30).") var timeout: Int?

    func run() async throws {
        let timeout = timeout
        try await Lifecycle.perform(global, vm, verb: "restarting") { backend, id in try await backend.restartVM(id, timeoutSeconds: timeout) }
    }
}
