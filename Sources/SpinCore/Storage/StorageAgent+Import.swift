import Foundation
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

extension StorageAgent {
    /// Imports a host file as a new image: opens it once (``ImportSource``), checks that its
    /// header still says the command's format and that it is standalone, copies its bytes into a
    /// fresh, marked temporary in the volume (all-zero blocks left as holes), checks the copy's
    /// SHA-256 when the command gives one, reads the copy with qemu-img as that format (no
    /// backing or data file, the command's size), and renames it into place right after checking
    /// the lease. An image spin made already there with the same format, size and (when given)
    /// digest is success; any failure removes the temporary, so nothing is left behind.
    /// - Parameters:
    ///   - progress: receives the fraction copied, from 0 to 1.
    ///   - renewLease: called every ``leaseRenewalInterval`` while copying and right before the
    ///     rename; when it throws, the copy stops and its temporary is removed.
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope (the volume, or for a
    ///   remote agent the file) or for a path that is a link, `.invalidArgument` for a bad name
    ///   or digest, `.notFound` for a missing file or volume, `.failedPrecondition` for a format
    ///   other than raw and qcow2 or an image with a backing or data file, `.conflict` when the
    ///   file's content does not match the command (format, size or digest) or something else
    ///   has the image's name, `.actionFailed` when reading or writing fails.
    public func importImage(
        _ parameters: ImportImageAction.Parameters,
        progress: (@Sendable (Double) -> Void)? = nil,
        renewLease: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        let image = try VolumePath(parameters.volumePath).image(parameters.image)
        let digest = try parameters.sha256.map(Self.checkedDigest)
        try await requireInScope(image.volume)
        try await scope.checkSource(parameters.sourcePath)
        try StorageFiles.requireVolume(image.volume)
        try Self.requireMarked(image, .occupied)
        if let recorded = try await scope.recordedFormat(of: image), recorded != parameters.format {
            throw SpinError(.conflict, "\(image) is recorded as \(recorded.rawValue), not \(parameters.format.rawValue) as the command asks; delete it or choose another name")
        }
        let wanted = ImageState(format: parameters.format, virtualSize: parameters.sizeBytes)
        if let existing = try await markedState(of: image, format: parameters.format, .occupied) {
            try Self.requireMatch(existing, wanted, image)
            if let digest, try await Self.sha256(of: image.path) != digest {
                throw SpinError(.conflict, "\(image) exists with other content than SHA-256 \(digest); delete it or choose another name")
            }
            return
        }
        let source = try ImportSource(opening: parameters.sourcePath)
        let format = try ImportSource.format(of: try source.header(), path: source.path)
        let size = try source.header().virtualSize
        guard format == parameters.format, size == parameters.sizeBytes else {
            throw SpinError(.conflict, "\(source.path) changed since the import was asked: it is now \(format.rawValue) of \(size) bytes, not \(parameters.format.rawValue) of \(parameters.sizeBytes); import it again")
        }
        let staged = try StagedImage.create(for: image)
        do {
            try await copyBytes(of: source, to: staged.path, progress: progress, renewLease: renewLease)
            if let digest {
                let actual = try await Self.sha256(of: staged.path)
                guard actual == digest else {
                    throw SpinError(.conflict, "\(source.path) has SHA-256 \(actual), not \(digest) as given; nothing was imported — check the download, or the digest")
                }
            }
            let copied = try await inspector.inspect(
                staged.path, what: "the copy of \(source.path)", volume: image.volume, name: image.name, format: format, overlays: false)
            guard copied == wanted else {
                throw SpinError(.conflict, "the copy of \(source.path) reads as \(copied), not \(wanted); the file changed while it was copied, so import it again")
            }
        } catch {
            staged.discard()
            throw error
        }
        if try await !staged.commit(renewLease: renewLease) {
            guard let existing = try await markedState(of: image, format: format, .occupied) else {
                throw SpinError(.actionFailed, "\(image) appeared and vanished while it was being imported; run the command again")
            }
            try Self.requireMatch(existing, wanted, image)
        }
    }

    /// Copies every byte of `source` into the file at `path`, leaving blocks of zeros as holes,
    /// reporting progress and renewing the lease every ``leaseRenewalInterval``.
    func copyBytes(of source: borrowing ImportSource, to path: String, progress: (@Sendable (Double) -> Void)?,
                   renewLease: (@Sendable () async throws -> Void)?) async throws {
        let out = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard out >= 0 else { throw StorageFiles.failure(errno, "open", path) }
        defer { close(out) }
        let chunk = 1 << 20
        let zeros = [UInt8](repeating: 0, count: chunk)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset: UInt64 = 0
        let clock = ContinuousClock()
        var lastRenewal = clock.now
        while offset < source.size {
            try Task.checkCancellation()
            let count = buffer.withUnsafeMutableBytes { raw in pread(source.fd, raw.baseAddress, chunk, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StorageFiles.failure(errno, "read", source.path)
            }
            if count == 0 { break }
            let isZero = buffer.withUnsafeBytes { data in
                zeros.withUnsafeBytes { zero in
                    guard let data = data.baseAddress, let zero = zero.baseAddress else { return false }
                    return memcmp(data, zero, count) == 0
                }
            }
            if !isZero {
                var written = 0
                while written < count {
                    let done = buffer.withUnsafeBytes { raw in pwrite(out, raw.baseAddress! + written, count - written, off_t(offset) + off_t(written)) }
                    if done < 0 {
                        if errno == EINTR { continue }
                        throw StorageFiles.failure(errno, "write", path)
                    }
                    written += done
                }
            }
            offset += UInt64(count)
            progress?(Double(offset) / Double(max(source.size, 1)))
            if let renewLease, clock.now - lastRenewal >= leaseRenewalInterval {
                try await renewLease()
                lastRenewal = clock.now
            }
        }
        guard offset == source.size else {
            throw SpinError(.conflict, "\(source.path) shrank while it was copied (\(offset) of \(source.size) bytes); import it again")
        }
        guard ftruncate(out, off_t(offset)) == 0 else { throw StorageFiles.failure(errno, "size", path) }
    }

    /// A digest as 64 lower-case hex digits.
    /// - Throws: ``SpinError`` `.invalidArgument` unless it is 64 hex digits.
    static func checkedDigest(_ text: String) throws(SpinError) -> String {
        let lower = text.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw SpinError(.invalidArgument, "sha256 \(VolumePath.quoted(text)) is not 64 hex digits; give the digest sha256sum prints")
        }
        return lower
    }

    /// The SHA-256 of a file, by `sha256sum` (coreutils).
    static func sha256(of path: String) async throws -> String {
        let output: String
        do {
            output = try await ProcessRunner.run("sha256sum", ["--", path]).standardOutputText
        } catch {
            throw SpinError(.actionFailed, "cannot compute the SHA-256 of \(path) with sha256sum: \(error)", cause: error)
        }
        let text = output.hasPrefix("\\") ? String(output.dropFirst()) : output
        return String(text.prefix(64))
    }
}
