import ArgumentParser
import SpinCore

/// `spin start ID`: boot a VM and wait until it runs.
struct VMStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a VM and wait until QEMU reports it running.",
        discussion: "Starting a running VM succeeds and changes nothing.\nExample: spin start web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        try await Lifecycle.perform(global, vm, verb: "starting") { backend, id in try await backend.startVM(id) }
    }
}
