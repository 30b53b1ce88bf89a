import ArgumentParser
import SpinCore

/// `spin vm list`: every VM with its live state.
struct VMList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every VM: id, name, state, cpus, memory and port forwards.",
        discussion: "Example: spin vm list --format json"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let rows = try await global.withReader { backend in
            let vms = try await backend.listVMs()
            let statuses = await backend.statuses(vms)
            return vms.map { VMWithStatus(vm: $0, status: statuses[$0.id]) }
        }
        try Output.emit(global, rows) {
            var table = Table(headers: ["id", "name", "state", "cpus", "memory", "ports"])
            for row in rows {
                table.rows.append([
                    String(row.vm.id), row.vm.name, VMText.state(row.status), String(row.vm.cpus),
                    "\(row.vm.memoryMiB) MiB", VMText.ports(row.vm),
                ])
            }
            return table.render()
        }
    }
}
