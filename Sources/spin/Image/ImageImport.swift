import ArgumentParser
import SpinCore

/// `spin image import VOLUME NAME FILE [--sha256 HEX] [--base]`.
struct ImageImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a raw or qcow2 file into a volume as a new image.",
        discussion: """
            The file is copied byte for byte; its format is read once from its header (qcow2 by \
            its magic, else raw) and never guessed by qemu-img. A qcow2 that names a backing file \
            is refused: flatten it first (qemu-img convert -O qcow2 FILE NEW.qcow2). With \
            --sha256 the copy must have that digest, else nothing is kept. With --base the image \
            is a base image for spin vm create --from. On a terminal, progress is shown. With \
            --host, FILE is a path on the server's host, inside its --allow-path roots.
            Example: spin image import vol1 debian-12 ~/debian-12-genericcloud-amd64.qcow2 --base
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The volume.") var volume: String
    @Argument(help: "The new image's name, e.g. debian-12.") var name: String
    @Argument(help: "The raw or qcow2 file to import.") var file: String
    @Option(help: "The file's SHA-256 (64 hex digits, as sha256sum prints it).") var sha256: String?
    @Flag(help: "Make the image a base image: read-only, for spin vm create --from.") var base = false

    func run() async throws {
        let path = Paths.absolute(file)
        try Paths.requireFiles([path], global)
        let image = try await global.withBackend { backend in
            try await Progress.during("importing \(name)", global) { _ in
                try await backend.importImage(volume: volume, name: name, path: path, sha256: sha256, base: base)
            }
        }
        try Output.emit(global, image) {
            "imported \(path) as \(image.base ? "base " : "")image \(image.name) in volume \(image.volume) (\(image.format.rawValue), \(Size(bytes: image.sizeBytes)))"
        }
    }
}
