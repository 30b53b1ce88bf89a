import ArgumentParser
import SpinCore

/// `spin volume list`.
struct VolumeList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List volumes: name, path and how many images each holds.",
        discussion: "Example: spin volume list"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (volumes, counts) = try await global.withReader { backend in
            let volumes = try await backend.listVolumes()
            let images = try await backend.listImages(volume: nil)
            return (volumes, volumes.map { volume in images.filter { $0.volume == volume.name }.count })
        }
        try Output.emit(global, volumes) {
            Table(headers: ["name", "path", "images"], rows: zip(volumes, counts).map { [$0.name, $0.path, String($1)] }).render()
        }
    }
}
