import ArgumentParser
import SpinCore

/// `spin image get VOLUME NAME`.
struct ImageGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one image.",
        discussion: "Example: spin image get vol1 data.qcow2 --format json"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The image's name.") var name: String

    func run() async throws {
        let image = try await global.withReader { backend in try await backend.image(volume: volume, name: name) }
        try Output.emit(global, image) { ImageCommand.table([image]) }
    }
}
