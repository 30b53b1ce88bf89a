import Foundation
import SpinQemu

/// The facts about an existing image that decide whether an action is already done.
struct ImageState: Equatable, Sendable, CustomStringConvertible {
    /// Its format.
    var format: QemuDisk.Format
    /// The size the guest sees, in bytes.
    var virtualSize: UInt64

    var description: String { "size \(virtualSize) bytes/format \(format.rawValue)" }
}

/// Reads images with `qemu-img` after checking, without following links, that they are regular
/// files; refuses images that would make qemu-img read files outside the volume (a backing
/// file or an external qcow2 data file — spin never creates either).
struct ImageInspector: Sendable {
    let qemuImg: QemuImg

    /// The image's state, or nil when nothing is at its path.
    /// - Throws: ``SpinError`` `.failedPrecondition` for a symbolic link or an image with a
    ///   backing or data file, `.conflict` for a non-regular file or a format spin does not
    ///   manage, `.actionFailed` when qemu-img cannot read it.
    func state(of image: ImageLocation) async throws(SpinError) -> ImageState? {
        switch try StorageFiles.kind(image.path) {
        case .absent: return nil
        case .symlink: throw StorageFiles.symlinkRefused("\(image)")
        case .directory, .other: throw SpinError(.conflict, "\(image) is not a regular file; remove it or choose another name")
        case .regular: break
        }
        _ = try StorageFiles.checkRegular(image.path, what: "\(image)")
        let output: String
        do {
            output = try await ProcessRunner.run(qemuImg.executable, ["info", "--output=json", "-U", "--", image.path]).standardOutputText
        } catch {
            throw Self.failure(error, "qemu-img cannot read \(image)")
        }
        let info: Info
        do {
            info = try JSONDecoder().decode(Info.self, from: Data(output.utf8))
        } catch {
            throw SpinError(.actionFailed, "cannot read qemu-img's description of \(image): \(output)")
        }
        if let backing = info.backingFilename {
            throw SpinError(.failedPrecondition, "\(image) has a backing file (\(backing)); spin manages only standalone images, so flatten it with qemu-img convert first")
        }
        if let dataFile = info.formatSpecific?.data?.dataFile {
            throw SpinError(.failedPrecondition, "\(image) keeps its data in an external file (\(dataFile)); spin manages only self-contained images")
        }
        guard let format = QemuDisk.Format(rawValue: info.format) else {
            throw SpinError(.conflict, "\(image) has format \(info.format), which spin does not manage (raw, qcow2); convert it or choose another name")
        }
        return ImageState(format: format, virtualSize: info.virtualSize)
    }

    /// Whether two images hold the same guest-visible data (`qemu-img compare`).
    func sameContent(_ first: String, _ second: String) async throws(SpinError) -> Bool {
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(qemuImg.executable, ["compare", "-U", "-q", "--", first, second], check: false)
        } catch {
            throw Self.failure(error, "cannot compare \(first) with \(second)")
        }
        switch result.termination {
        case .exited(0): return true
        case .exited(1): return false
        default:
            throw SpinError(.actionFailed, "qemu-img compare \(first) \(second) failed (\(result.termination)): \(result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines))")
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
        var formatSpecific: FormatSpecific?

        struct FormatSpecific: Decodable {
            var data: Details?
        }

        struct Details: Decodable {
            var dataFile: String?
            enum CodingKeys: String, CodingKey { case dataFile = "data-file" }
        }

        enum CodingKeys: String, CodingKey {
            case format, virtualSize = "virtual-size", backingFilename = "backing-filename", formatSpecific = "format-specific"
        }
    }
}
