import ArgumentParser
import SpinCore

/// `spin image base VOLUME NAME`.
struct ImageBase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Make an image a base image, for spin vm create --from.",
        discussion: """
            A base image is read-only: it is never attached to a VM, and while an overlay uses it \
            it cannot be deleted, moved or resized. The image must be detached and standalone.
            Example: spin image base vol1 debian-12
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The image.") var name: String

    func run() async throws {
        let image = try await global.withBackend { backend in try await backend.markBaseImage(volume: volume, name: name) }
        try Output.emit(global, image) { "image \(image.name) of volume \(image.volume) is a base image" }
    }
}
