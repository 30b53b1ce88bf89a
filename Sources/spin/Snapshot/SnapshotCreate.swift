import ArgumentParser
import SpinCore

/// `spin snapshot create VM NAME [--memory]`.
struct SnapshotCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Snapshot every writable disk of a VM, all or none.",
        discussion: """
            A stopped VM's disks are snapshotted with qemu-img; a running VM's through QMP, its \
            filesystems frozen by the guest agent (or its CPUs paused) for a consistent copy. \
            --memory (running VMs only) saves the guest's memory too, so a revert resumes it \
            without a reboot. If one disk fails, the snapshot is removed from the others.
            Example: spin snapshot create web before-upgrade --memory
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Argument(help: "The snapshot's name: a letter, then letters, digits, \".\", \"-\", \"_\".") var name: String
    @Flag(help: "Save the running guest's memory and device state too.") var memory = false

    func validate() throws {
        if let problem = Snapshot.validateName(name).first { throw ValidationError("\(problem.field): \(problem.message)") }
    }

    func run() async throws {
        let snapshot = try await global.withBackend { backend in
            try await Progress.during("snapshotting \(vm) as \(name)", global) { _ in
                try await backend.createSnapshot(vm: vm, name: name, memory: memory)
            }
        }
        try Output.emit(global, snapshot) { "created snapshot \(snapshot.name) of VM \(vm)" }
    }
}
