import ArgumentParser
import SpinCore

/// `spin image move VOLUME NAME TO_VOLUME TO_NAME`.
struct ImageMove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Move or rename an image; refused while a VM uses it.",
        discussion: "Example: spin image move vol1 data.qcow2 vol2 data.qcow2"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The source volume.") var volume: String
    @Argument(help: "The image.") var name: String
    @Argument(help: "The target volume.") var toVolume: String
    @Argument(help: "The image's new name.") var toName: String

    func run() async throws {
        let image = try await global.withBackend { backend in
            try await Progress.during("moving \(name)", global) { _ in
                try await backend.moveImage(volume: volume, name: name, toVolume: toVolume, toName: toName)
            }
        }
        try Output.emit(global, image) { "moved \(volume)/\(name) to \(image.volume)/\(image.name)" }
    }
}
