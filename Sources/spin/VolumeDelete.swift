import ArgumentParser
import SpinCore

/// `spin volume delete NAME [--force]`.
struct VolumeDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Forget a volume and remove its directory when empty.",
        discussion: "A volume holding images is refused unless --force, which deletes their files.\nExample: spin volume delete vol1 --force"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume's name.") var name: String
    @Flag(help: "Delete the volume's images too.") var force = false

    func run() async throws {
        try await global.withBackend { backend in try await backend.deleteVolume(name, force: force) }
        try Output.emit(global, ["deleted": name]) { "deleted volume \(name)" }
    }
}
