import ArgumentParser
import SpinCore

/// `spin image create VOLUME NAME --size GiB`.
struct ImageCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty disk image in a volume.",
        discussion: "Example: spin image create vol1 data.qcow2 --size 20 --image-format raw"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The image's file name, e.g. data.qcow2.") var name: String
    @Option(name: [.customShort("s"), .long], help: "Size in GiB (or with a unit: 512M).") var size: Size
    @Option(name: [.customShort("f"), .long], help: "raw or qcow2 (--format chooses text or json output).") var imageFormat: ImageFormat = .qcow2

    func run() async throws {
        let spec = ImageSpec(volume: volume, name: name, sizeBytes: size.bytes, format: imageFormat)
        let image = try await global.withBackend { backend in
            try await Progress.during("creating image \(name)", global) { _ in try await backend.createImage(spec) }
        }
        try Output.emit(global, image) { "created image \(image.name) in volume \(image.volume) (\(size))" }
    }
}
