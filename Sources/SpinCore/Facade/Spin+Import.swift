import Foundation
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

extension Spin {
    /// Imports the host file at `path` into `volume` as the image `name`, a byte-for-byte copy
    /// reported as progress (``SpinOptions/storageProgress``).
    ///
    /// The file's format is read once from its header (raw, or qcow2 by its magic) — never
    /// guessed by qemu-img — and given explicitly to every qemu-img call after; a qcow2 that
    /// names a backing file or keeps its data elsewhere is refused, as is any other format.
    /// With `sha256` the copy's digest must match (else nothing is kept). With `base` the image
    /// is recorded as a base: read-only, for `vm create --from`. A server confines `path` to its
    /// allowed paths (``SpinOptions/allowedPaths``), links resolved.
    /// - Throws: ``SpinError`` `.invalidArgument` (name, path, digest), `.forbidden` (a path
    ///   outside the allowed paths), `.notFound` (volume or file), `.conflict` (the name is
    ///   taken, or the digest does not match), `.failedPrecondition` (a format spin does not
    ///   import, a backing or data file).
    @discardableResult
    public func importImage(volume: String, name: String, path: String, sha256: String? = nil, base: Bool = false) async throws -> Image {
        // The name rules of any image, the path rules of any host file.
        try ValidationProblem.check(
            ImageSpec(volume: volume, name: name, sizeBytes: 1).validate() + StorageAttachment.cdrom(path: path).validate())
        let digest = try sha256.map(StorageAgent.checkedDigest)
        try confine(path, what: "file to import")
        let resolved = try Self.resolvedSource(path)
        let source = try ImportSource(opening: resolved)
        let header = try source.header()
        let format = try ImportSource.format(of: header, path: path)
        guard header.virtualSize > 0 else {
            throw SpinError(.failedPrecondition, "\(path) is empty; there is nothing to import")
        }
        let volumePath = try await registry.volume(volume).path
        let command = try CommandDraft(ImportImageAction.self, .init(
            sourcePath: resolved, volumePath: volumePath, image: name, format: format, sizeBytes: header.virtualSize, sha256: digest))
        // The record and the package that makes its file commit together: a spin killed
        // right after leaves a package that any process finishes, never a record alone.
        let (image, package) = try await controlPlane.createImage(
            ImageSpec(volume: volume, name: name, sizeBytes: header.virtualSize, format: format == .raw ? .raw : .qcow2), base: base
        ) { _ in [command] }
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: volume, name: name) }
        do {
            try await finish(package: package, late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return image
    }

    /// Marks an image as a base: read-only, never attached to a VM, the backing file of the
    /// overlays `vm create --from` makes; not deleted, moved or resized while they exist.
    /// - Throws: ``SpinError`` `.notFound`, or `.failedPrecondition` for an image attached to a
    ///   VM or one that is an overlay itself.
    @discardableResult
    public func markBaseImage(volume: String, name: String) async throws -> Image {
        try await registry.markBase(volume: volume, name: name)
    }

    /// `path` with every link resolved.
    static func resolvedSource(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            if code == ENOENT { throw SpinError(.notFound, "the file to import \(path) does not exist; check the path") }
            throw SpinError(.actionFailed, "cannot resolve \(path): \(String(cString: strerror(code)))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
