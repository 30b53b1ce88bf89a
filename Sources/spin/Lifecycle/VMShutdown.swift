import ArgumentParser
import SpinCore

/// `spin shutdown ID`: ask the guest to power off; never force.
struct VMShutdown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shutdown",
        abstract: "Ask the guest to power off (ACPI) and wait; never forces it (see spin stop).",
        discussion: """
            A guest that has not powered off a third of the timeout after the ACPI button (1 to \
            10 s) is asked again through its guest agent (guest-shutdown), when one runs.
            Example: spin shutdown web
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(help: "Seconds to wait for the guest, 1 to 3600 (default: the VM's stop timeout, 30).") var timeout: Int?

    func run() async throws {
        let timeout = timeout
        try await Lifecycle.perform(global, vm, verb: "shutting down") { backend, id in try await backend.shutdownVM(id, timeoutSeconds: timeout) }
    }
}
