import ArgumentParser
import SpinCore

/// `spin vm image list ID`: a VM's drives in order.
struct VMImageList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a VM's drives: index, host path, and whether it is a CD-ROM.",
        discussion: "Example: spin vm image list web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        let rows = try await global.withReader { backend in try await DriveRow.rows(try await backend.vm(vm), backend) }
        try Output.emit(global, rows) { DriveRow.table(rows) }
    }
}
