import ArgumentParser
import SpinCore

/// `spin image …`: disk images inside volumes.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Create, import, list, inspect, copy, resize, move and delete disk images.",
        discussion: "Example: spin image create vol1 data.qcow2 --size 20",
        subcommands: [
            ImageCreate.self, ImageImport.self, ImageBase.self, ImageList.self, ImageGet.self, ImageDelete.self, ImageCopy.self,
            ImageResize.self, ImageMove.self,
        ]
    )

    /// The IMAGE table of `spin image list` and `get`.
    static func table(_ images: [Image]) -> String {
        Table(headers: ["volume", "name", "size", "format", "attached", "base"], rows: images.map {
            [$0.volume, $0.name, Size(bytes: $0.sizeBytes).description, $0.format.rawValue, $0.attachedTo.map { "VM \($0)" } ?? "-",
             $0.base ? "yes" : ($0.backingImage.map { "on \($0)" } ?? "-")]
        }).render()
    }
}

extension ImageFormat: ExpressibleByArgument {}
