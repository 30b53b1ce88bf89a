import Foundation
import SpinQemu

/// The facts about an existing image that decide whether an action is already done.
struct ImageState: Equatable, Sendable, CustomStringConvertible {
    /// Its format.
    var format: QemuDisk.Format
    /// The size the guest sees, in bytes.
    var virtualSize: UInt64
    /// For an overlay: its base, a file of the same volume named in its header.
    var backing: ImageBacking?

    var description: String {
        "size \(virtualSize) bytes/format \(format.rawValue)" + (backing.map { "/backing file \(VolumePath.quoted($0.name)) (\($0.format.rawValue))" } ?? "")
    }
}

/// The base of an overlay: a file of the overlay's volume, named relative to it, and its format.
struct ImageBacking: Equatable, Sendable {
    /// The base's file name in the same volume.
    var name: String
    /// The base's format, written into the overlay.
    var format: QemuDisk.Format
}

/// Reads images with `qemu-img` after checking, without following links, that they are regular
/// files. An image is read as the format its record (or command) gives (`-f`), never one
/// guessed from its content: a guest can write any header into its disk. Images that would make
/// qemu-img read other files are refused — a backing file outside the image's volume as
/// `.forbidden`, any other backing file or an external qcow2 data file as `.failedPrecondition`
/// (spin never creates either) — but for the one backing file spin makes: an overlay's base,
/// named by its bare file name (relative to the overlay's directory), in the same volume, with
/// its format written beside it, carrying spin's mark, and standalone itself.
struct ImageInspector: Sendable {
    let qemuImg: QemuImg

    /// The image's state read as `format`, or nil when nothing is at its path.
    /// - Throws: ``SpinError`` `.forbidden` for a backing file outside the volume,
    ///   `.failedPrecondition` for a symbolic link or an image with another backing file or a
    ///   data file, `.conflict` for a non-regular file, `.actionFailed` when qemu-img cannot
    ///   read it as `format`.
    func state(of image: ImageLocation, format: QemuDisk.Format) async throws -> ImageState? {
        try await state(of: image) { format }
    }

    /// The image's state read as the format `format` gives — asked only once a regular file
    /// is there, so a missing image is nil (and a link refused) before any format is needed.
    func state(of image: ImageLocation, format resolve: () async throws -> QemuDisk.Format) async throws -> ImageState? {
        switch try StorageFiles.kind(image.path) {
        case .absent: return nil
        case .symlink: throw StorageFiles.symlinkRefused("\(image)")
        case .directory, .other: throw SpinError(.conflict, "\(image) is not a regular file; remove it or choose another name")
        case .regular: break
        }
        _ = try StorageFiles.checkRegular(image.path, what: "\(image)")
        return try await inspect(image.path, what: "\(image)", volume: image.volume, name: image.name, format: try await resolve(), overlays: true)
    }

    /// Reads the regular file at `path` (in `volume`, named `name` there) as `format`.
    /// - Parameter overlays: whether an overlay on a base of the volume is accepted; when
    ///   false every backing file is refused.
    func inspect(_ path: String, what: String, volume: VolumePath, name: String, format: QemuDisk.Format, overlays: Bool) async throws -> ImageState {
        let output: String
        do {
            output = try await ProcessRunner.run(
                qemuImg.executable, ["info", "-f", format.rawValue, "--output=json", "-U", "--", path]
            ).standardOutputText
        } catch {
            throw Self.failure(error, "qemu-img cannot read \(what) as \(format.rawValue)")
        }
        let info: Info
        do {
            info = try JSONDecoder().decode(Info.self, from: Data(output.utf8))
        } catch {
            throw SpinError(.actionFailed, "cannot read qemu-img's description of \(what): \(output)")
        }
        var backing: ImageBacking?
        if let file = info.backingFilename {
            guard overlays, let base = try await overlayBase(file, format: info.backingFilenameFormat, of: name, in: volume) else {
                try Self.checkBacking(file, what: what, volume: volume)
            }
            backing = base
        }
        if let dataFile = info.formatSpecific?.data?.dataFile {
            throw SpinError(.failedPrecondition, "\(what) keeps its data in an external file (\(dataFile)); spin manages only self-contained images")
        }
        return ImageState(format: format, virtualSize: info.virtualSize, backing: backing)
    }

    /// The base an overlay names, when it is one spin makes: a bare file name other than the
    /// overlay's own in the same volume, its format (raw or qcow2) written beside it, a regular
    /// file with spin's mark, standalone when read as that format. Nil otherwise.
    func overlayBase(_ file: String, format: String?, of name: String, in volume: VolumePath) async throws -> ImageBacking? {
        guard file != name, (try? VolumePath.checkImageName(file)) != nil,
            let format = format.flatMap(QemuDisk.Format.init(rawValue:)),
            try StorageFiles.kind(volume.child(file)) == .regular,
            try ImageMark.read(atPath: volume.child(file)) != nil
        else { return nil }
        let base = try volume.image(file)
        _ = try await inspect(base.path, what: "\(base), the base of \(VolumePath.quoted(name)),", volume: volume, name: file, format: format, overlays: false)
        return ImageBacking(name: file, format: format)
    }

    /// Refuses an image with a backing file: as `.forbidden` when the file lies outside the
    /// image's volume (or is no plain path), else as `.failedPrecondition`.
    static func checkBacking(_ backing: String, what: String, volume: VolumePath) throws(SpinError) -> Never {
        let isPlainPath = !backing.isEmpty && !backing.hasPrefix("json:") && !backing.contains("://")
            && !(backing.firstIndex(of: ":").map { colon in !backing[..<colon].contains("/") } ?? false)
        let absolute = backing.utf8.first == UInt8(ascii: "/") ? backing : volume.path + "/" + backing
        guard isPlainPath, AllowedRoots([volume.path]).allows(absolute) else {
            throw SpinError(.forbidden, "\(what) names a backing file (\(VolumePath.quoted(backing))) outside its volume \(volume.path); spin never lets qemu-img read a file outside an image's volume (a guest can write such a header into its disk), so it neither inspects, copies nor imports this image — if you trust it, flatten it yourself (qemu-img convert -f qcow2 -O qcow2) into a new image")
        }
        throw SpinError(.failedPrecondition, "\(what) has a backing file (\(VolumePath.quoted(backing))) that is not a base spin made in its volume; spin manages only standalone images and its own overlays, so flatten it with qemu-img convert first")
    }

    /// Whether two images, each read as its format, hold the same guest-visible data
    /// (`qemu-img compare -f -F`).
    func sameContent(_ first: ImageLocation, _ firstFormat: QemuDisk.Format, _ second: ImageLocation, _ secondFormat: QemuDisk.Format) async throws(SpinError) -> Bool {
        do {
            return try await qemuImg.compare(first.path, format: firstFormat, second.path, format: secondFormat, forceShare: true)
        } catch {
            throw Self.failure(error, "cannot compare \(first) with \(second)")
        }
    }

    /// Turns a failure of qemu-img into a ``SpinError``: `.unavailable` when it cannot be
    /// started, else `.actionFailed` with what it wrote to stderr.
    static func failure(_ error: any Error, _ what: String) -> SpinError {
        let qemuError: QemuImg.Error
        switch error {
        case let error as QemuImg.Error: qemuError = error
        case let error as ProcessRunner.Error:
            switch error {
            case .failed(_, let arguments, let termination, let standardError):
                qemuError = .failed(arguments: arguments, termination: termination, standardError: standardError)
            case .spawnFailed, .waitFailed:
                qemuError = .notRunnable(error.description)
            }
        default: qemuError = .notRunnable("\(error)")
        }
        switch qemuError {
        case .notRunnable(let message):
            return SpinError(.unavailable, "\(what): \(message); install qemu-utils", cause: qemuError)
        case .failed(_, _, let standardError) where !standardError.isEmpty:
            return SpinError(.actionFailed, "\(what): \(standardError.trimmingCharacters(in: .whitespacesAndNewlines))", cause: qemuError)
        default:
            return SpinError(.actionFailed, "\(what): \(qemuError)", cause: qemuError)
        }
    }

    /// The parts of `qemu-img info --output=json` the agent needs.
    private struct Info: Decodable {
        var format: String
        var virtualSize: UInt64
        var backingFilename: String?
        var backingFilenameFormat: String?
        var formatSpecific: FormatSpecific?

        struct FormatSpecific: Decodable {
            var data: Details?
        }

        struct Details: Decodable {
            var dataFile: String?
            enum CodingKeys: String, CodingKey { case dataFile = "data-file" }
        }

        enum CodingKeys: String, CodingKey {
            case format, virtualSize = "virtual-size", backingFilename = "backing-filename",
                 backingFilenameFormat = "backing-filename-format", formatSpecific = "format-specific"
        }
    }
}
