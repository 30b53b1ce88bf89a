import ArgumentParser
import SpinCore

/// `spin resume ID`: unfreeze a paused VM.
struct VMResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a paused VM.",
        discussion: "Example: spin resume web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        try await Lifecycle.perform(global, vm, verb: "resuming") { backend, id in try await backend.resumeVM(id) }
    }
}
