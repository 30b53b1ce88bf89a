import ArgumentParser
import SpinCore

/// `spin package new`: prints the new package's id.
struct PackageNew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create an empty, open package; prints its id.",
        discussion: "Example: spin package new"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let id = try await global.withBackend(agents: false) { backend in try await backend.newPackage() }
        try Output.emit(global, ["package": id]) { String(id) }
    }
}
