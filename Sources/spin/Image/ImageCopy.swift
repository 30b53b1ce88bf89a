import ArgumentParser
import SpinCore

/// `spin image copy VOLUME NAME TO_VOLUME TO_NAME`.
struct ImageCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image into a new one, possibly in another volume or format.",
        discussion: "On a terminal, qemu-img's progress is shown.\nExample: spin image copy vol1 base.qcow2 vol2 web.qcow2"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The source volume.") var volume: String
    @Argument(help: "The source image.") var name: String
    @Argument(help: "The target volume.") var toVolume: String
    @Argument(help: "The new image's name.") var toName: String
    @Option(name: [.customShort("f"), .long], help: "The new image's format, raw or qcow2 (default: the source's).") var imageFormat: ImageFormat?

    func run() async throws {
        let image = try await global.withBackend { backend in
            try await Progress.during("copying \(name)", global) { _ in
                try await backend.copyImage(volume: volume, name: name, toVolume: toVolume, toName: toName, format: imageFormat)
            }
        }
        try Output.emit(global, image) { "copied \(volume)/\(name) to \(image.volume)/\(image.name)" }
    }
}
