import ArgumentParser
import SpinCore

/// `spin vm clone SRC NEW [--full]`.
struct VMClone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Clone a stopped VM under a new name; prints the new id.",
        discussion: """
            The clone has the source's settings, a MAC address of its own and no port forwards \
            (add them with spin vm update NEW -p …). A disk that is an overlay on a base image \
            becomes a new overlay on the same base holding what the source wrote; --full copies \
            it whole instead. Disks are named after the clone (web.qcow2 becomes web2.qcow2).
            Example: spin vm clone web web2
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM to clone (id or name); it must be stopped.") var source: String
    @Argument(help: "The clone's name.") var name: String
    @Flag(help: "Copy every disk whole instead of as an overlay on the same base.") var full = false

    func run() async throws {
        let vm = try await global.withBackend { backend in
            try await Progress.during("cloning \(source) as \(name)", global) { _ in
                try await backend.cloneVM(source, name: name, full: full)
            }
        }
        try Output.emit(global, vm) { String(vm.id) }
    }
}
