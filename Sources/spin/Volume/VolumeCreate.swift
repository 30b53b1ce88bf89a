import ArgumentParser
import SpinCore

/// `spin volume create NAME [PATH]`.
struct VolumeCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a volume: record it and make its directory.",
        discussion: "Without PATH the directory is <root>/images/NAME.\nExample: spin volume create vol1 /var/lib/spin/vol1"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume's name: a letter, then letters, digits, - or _.") var name: String
    @Argument(help: "The directory (created when missing).") var path: String?

    func run() async throws {
        let directory = path.map(Paths.absolute)
        let volume = try await global.withBackend { backend in try await backend.createVolume(name: name, path: directory) }
        try Output.emit(global, volume) { "created volume \(volume.name) at \(volume.path)" }
    }
}
