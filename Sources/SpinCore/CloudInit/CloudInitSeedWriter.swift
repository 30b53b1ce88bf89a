import Foundation
import SpinModel
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

/// Builds a seed's ISO 9660 image, labelled `cidata` (with Joliet and Rock Ridge names), with
/// `xorriso -as mkisofs`.
///
/// The image is reproducible: every file's date and the volume dates are fixed
/// (`SOURCE_DATE_EPOCH`), so the same seed gives the same bytes. It is built in a temporary
/// directory beside the target and renamed over it only when its bytes differ, so a rewrite
/// with unchanged settings leaves the file (and its mtime) alone, and a reader never sees a
/// half-written image. The image is made mode 0600: user-data of the user's own may hold
/// secrets; grant the qemu user read access separately.
public struct CloudInitSeedWriter: Sendable {
    /// What ``write(_:to:)`` did.
    public enum Outcome: Sendable, Equatable {
        /// The image was created or replaced.
        case written
        /// The image already held exactly these bytes; nothing was touched.
        case unchanged
    }

    /// The date (seconds since 1970) given to every file and to the volume.
    public static let fixedDate = 1_000_000_000

    /// The xorriso executable: a path, or a name looked up on `PATH`.
    public var xorriso: String

    /// Creates a writer.
    public init(xorriso: String = "xorriso") { self.xorriso = xorriso }

    /// Writes `seed`'s image to `path` unless it already holds the same bytes.
    ///
    /// - Throws: ``SpinError`` `.invalidArgument` for an invalid seed, `.unavailable` when
    ///   xorriso is missing, `.actionFailed` (with xorriso's message) when it fails or a file
    ///   cannot be written.
    @discardableResult
    public func write(_ seed: CloudInitSeed, to path: String) async throws -> Outcome {
        try seed.validate()
        let url = URL(fileURLWithPath: path)
        let staging = try makeStagingDirectory(beside: url)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let contents = staging + "/cidata"
        let image = staging + "/seed.iso"
        try stage(seed, in: contents)
        try await runXorriso(contents: contents, image: image)
        if FileManager.default.contentsEqual(atPath: image, andPath: path) { return .unchanged }
        guard chmod(image, 0o600) == 0, rename(image, path) == 0 else {
            throw SpinError(.actionFailed, "cannot put the cloud-init seed at \(path): \(String(cString: strerror(errno)))")
        }
        return .written
    }

    /// `DIR/.NAME.XXXXXX`, made with `mkdtemp` (same filesystem, so the rename is atomic).
    private func makeStagingDirectory(beside url: URL) throws -> String {
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SpinError(.actionFailed, "cannot create a temporary directory in \(directory) for the cloud-init seed: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Writes the seed's files (mode 0644) into `directory`, every date fixed.
    private func stage(_ seed: CloudInitSeed, in directory: String) throws {
        let manager = FileManager.default
        let date = Date(timeIntervalSince1970: TimeInterval(Self.fixedDate))
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            for file in seed.files {
                let path = directory + "/" + file.name
                guard manager.createFile(atPath: path, contents: Data(file.contents.utf8), attributes: [.posixPermissions: 0o644]) else {
                    throw SpinError(.actionFailed, "cannot write \(path) for the cloud-init seed")
                }
                try manager.setAttributes([.modificationDate: date], ofItemAtPath: path)
            }
            try manager.setAttributes([.modificationDate: date], ofItemAtPath: directory)
        } catch let error as SpinError {
            throw error
        } catch {
            throw SpinError(.actionFailed, "cannot stage the cloud-init seed in \(directory): \(error.localizedDescription)", cause: error)
        }
    }

    /// `xorriso -as mkisofs -V cidata -J -R -o IMAGE DIR`, dates fixed by `SOURCE_DATE_EPOCH`.
    private func runXorriso(contents: String, image: String) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = String(Self.fixedDate)
        let arguments = ["-as", "mkisofs", "-V", "cidata", "-J", "-R", "-o", image, contents]
        do {
            _ = try await ProcessRunner.run(xorriso, arguments, environment: environment)
        } catch ProcessRunner.Error.spawnFailed(let executable, _) {
            throw SpinError(.unavailable, "\(executable) cannot be run, so spin cannot build the cloud-init seed; install it with apt-get install xorriso")
        } catch ProcessRunner.Error.failed(_, _, let termination, let standardError) {
            let reason = standardError.split(separator: "\n").filter { $0.contains("FAILURE") || $0.contains("SORRY") }.joined(separator: "; ")
            throw SpinError(.actionFailed, "xorriso could not build the cloud-init seed (\(termination)): \(reason.isEmpty ? standardError : reason)")
        }
    }
}
