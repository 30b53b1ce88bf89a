import ArgumentParser
import SpinCore

/// `spin image delete VOLUME NAME`.
struct ImageDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an image's file and record; refused while a VM uses it.",
        discussion: "Example: spin image delete vol1 data.qcow2"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The image's name.") var name: String

    func run() async throws {
        try await global.withBackend { backend in try await backend.deleteImage(volume: volume, name: name) }
        try Output.emit(global, ["deleted": ["volume": volume, "name": name]]) { "deleted image \(name) from volume \(volume)" }
    }
}
