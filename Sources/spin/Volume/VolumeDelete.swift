import ArgumentParser
import SpinCore

/// `spin volume delete NAME [--force]`.
struct VolumeDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Forget a volume and remove its directory when empty.",
        discussion: "A volume holding images is refused unless --force, which deletes their files (only files spin made; files in the directory that spin did not make stay, and the directory with them).\nExample: spin volume delete vol1 --force"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume's name.") var name: String
    @Flag(help: "Delete the volume's images too.") var force = false

    func run() async throws {
        let deletion = try await global.withBackend { backend in try await backend.deleteVolume(name, force: force) }
        let report = Report(deleted: name, path: deletion.path, directoryRemoved: deletion.directoryRemoved, note: deletion.note)
        try Output.emit(global, report) {
            "deleted volume \(name)" + (deletion.note.map { "\nnote: \($0)" } ?? "")
        }
    }

    /// The JSON output.
    struct Report: Encodable {
        var deleted: String
        var path: String
        var directoryRemoved: Bool
        var note: String?
    }
}
