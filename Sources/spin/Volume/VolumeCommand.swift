import ArgumentParser
import SpinCore

/// `spin volume …`: named directories that hold disk images.
struct VolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume",
        abstract: "Create, list and delete volumes (directories that hold disk images).",
        discussion: "Example: spin volume create vol1 /var/lib/spin/vol1",
        subcommands: [VolumeCreate.self, VolumeList.self, VolumeDelete.self]
    )
}
