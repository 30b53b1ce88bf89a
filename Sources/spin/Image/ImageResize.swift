import ArgumentParser
import SpinCore

/// `spin image resize VOLUME NAME --size GiB`.
struct ImageResize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize",
        abstract: "Grow an image to a new size (shrinking needs --force and loses data).",
        discussion: "Example: spin image resize vol1 data.qcow2 --size 40"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The image.") var name: String
    @Option(name: [.customShort("s"), .long], help: "The new size in GiB (or with a unit: 512M).") var size: Size
    @Flag(help: "Allow shrinking.") var force = false

    func run() async throws {
        let image = try await global.withBackend { backend in
            try await backend.resizeImage(volume: volume, name: name, sizeBytes: size.bytes, force: force)
        }
        try Output.emit(global, image) { "resized \(volume)/\(name) to \(size)" }
    }
}
