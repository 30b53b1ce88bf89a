import ArgumentParser
import SpinCore

/// `spin vm delete ID`: stop a VM, delete its disk images and forget it.
struct VMDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Stop a VM, delete its disk images and configuration, and forget it.",
        discussion: "Example: spin vm delete web"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        let deleted = try await global.withBackend { backend in
            let record = try await backend.vm(vm)
            let state = try await backend.status(String(record.id)).state
            let live = state != .stopped && state != .crashed
            if live { Output.error("VM \(record.name) is \(state.rawValue): stopping it first") }
            try await Progress.during("deleting VM \(record.name)", global) { _ in try await backend.deleteVM(String(record.id)) }
            return record
        }
        try Output.emit(global, ["deleted": deleted.id]) { "deleted VM \(deleted.id) (\(deleted.name))" }
    }
}
