import ArgumentParser
import SpinCore

/// `spin image list [VOLUME]`.
struct ImageList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the images of a volume, or of every volume.",
        discussion: "Example: spin image list vol1"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume (default: every volume).") var volume: String?

    func run() async throws {
        let images = try await global.withReader { backend in try await backend.listImages(volume: volume) }
        try Output.emit(global, images) { ImageCommand.table(images) }
    }
}
