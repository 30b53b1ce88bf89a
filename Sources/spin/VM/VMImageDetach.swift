import ArgumentParser
import SpinCore

/// `spin vm image detach ID INDEX`: remove a drive (the image file stays).
struct VMImageDetach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Detach the drive at INDEX; a disk's image file stays in its volume.",
        discussion: "Example: spin vm image detach web 1"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Argument(help: "The drive's index, from spin vm image list.") var index: Int

    func run() async throws {
        let rows = try await global.withBackend { backend in
            try await DriveRow.rows(try await backend.detachStorage(vm: vm, index: index), backend)
        }
        try Output.emit(global, rows) { "detached drive \(index) of VM \(vm)" }
    }
}
