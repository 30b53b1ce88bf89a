import ArgumentParser
import SpinCore

/// `spin snapshot delete VM NAME`.
struct SnapshotDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a snapshot from every disk of a VM, freeing its space.",
        discussion: "Example: spin snapshot delete web before-upgrade"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Argument(help: "The snapshot's name.") var name: String

    func validate() throws {
        if let problem = Snapshot.validateName(name).first { throw ValidationError("\(problem.field): \(problem.message)") }
    }

    func run() async throws {
        try await global.withBackend { backend in
            try await Progress.during("deleting snapshot \(name) of \(vm)", global) { _ in
                try await backend.deleteSnapshot(vm: vm, name: name)
            }
        }
        try Output.emit(global, ["deleted": name]) { "deleted snapshot \(name) of VM \(vm)" }
    }
}
