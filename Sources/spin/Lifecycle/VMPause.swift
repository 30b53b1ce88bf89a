import ArgumentParser
import SpinCore

/// `spin pause ID`: freeze a VM's CPUs.
struct VMPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Freeze a running VM's CPUs (spin resume continues it).",
        discussion: "Example: spin pause web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        try await Lifecycle.perform(global, vm, verb: "pausing") { backend, id in try await backend.pauseVM(id) }
    }
}
