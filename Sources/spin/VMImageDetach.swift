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
        let rows = try await global.withSpin { spin in
            DriveRow.rows(try await spin.detachStorage(vm: vm, index: index), spin)
        }
        try Output.emit(global, rows) { "detached drive \(index) of VM \(vm)" }
    }
}
