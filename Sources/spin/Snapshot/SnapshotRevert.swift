import ArgumentParser
import SpinCore

/// `spin snapshot revert VM NAME`.
struct SnapshotRevert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert",
        abstract: "Return a VM's disks (and a running guest's memory) to a snapshot.",
        discussion: """
            A stopped VM's disks are reverted with qemu-img. A running VM loads a memory \
            snapshot and continues from it without a reboot; for a disk-only snapshot stop it \
            first.
            Example: spin snapshot revert web before-upgrade
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Argument(help: "The snapshot's name.") var name: String

    func validate() throws {
        if let problem = Snapshot.validateName(name).first { throw ValidationError("\(problem.field): \(problem.message)") }
    }

    func run() async throws {
        let snapshot = try await global.withBackend { backend in
            try await Progress.during("reverting \(vm) to \(name)", global) { _ in
                try await backend.revertSnapshot(vm: vm, name: name)
            }
        }
        try Output.emit(global, snapshot) { "reverted VM \(vm) to snapshot \(snapshot.name)" }
    }
}
