import ArgumentParser
import SpinCore

/// `spin snapshot list VM`.
struct SnapshotList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a VM's snapshots, checked against what its disks hold.",
        discussion: """
            Works while the VM runs (its disks are read through QMP then). A ready snapshot that \
            a disk does not hold says so in the state column.
            Example: spin snapshot list web
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        let snapshots = try await global.withReader { backend in try await backend.listSnapshots(vm: vm) }
        try Output.emit(global, snapshots) { SnapshotCommand.table(snapshots) }
    }
}
