import ArgumentParser
import SpinCore

/// `spin vm get ID`: one VM's record and live status.
struct VMGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a VM's record and its live status.",
        discussion: """
            JSON: {"vm": {…the record…}, "status": {…live status…}}.
            Example: spin vm get web --format json
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        let result = try await global.withSpin(agents: false) { spin in
            let record = try spin.vm(vm)
            return VMWithStatus(vm: record, status: try await spin.status(String(record.id)))
        }
        try Output.emit(global, result) { VMText.detail(result.vm, result.status) }
    }
}
