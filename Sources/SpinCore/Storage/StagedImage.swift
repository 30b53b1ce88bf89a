#if canImport(Glibc)
import Glibc
#endif

/// A hidden temporary file in the target volume that becomes an image by one atomic rename, so
/// a crash never leaves a half-written image under the final name.
///
/// Its name, `.spin-<hash of the image name>-<random>.part`, starts with `.` (no image name may)
/// and fits in NAME_MAX whatever the image name's length. The next attempt for the same image
/// removes what earlier, dead attempts left (``sweep(for:)``).
///
/// It carries a fresh ``ImageMark`` from its creation on, set again just before the rename
/// (in case the tool that wrote it replaced the file), so an image is never in place unmarked.
struct StagedImage {
    /// The image it will become.
    let target: ImageLocation
    /// Its own path in the target's volume.
    let path: String
    /// The mark it carries.
    let mark: ImageMark

    /// Removes leftovers of earlier attempts for `target`, then creates a fresh, empty
    /// temporary with mode 0600 (`O_CREAT|O_EXCL|O_NOFOLLOW`) and marks it.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the volume directory when its
    ///   filesystem cannot hold the mark (nothing is left behind then).
    static func create(for target: ImageLocation) throws(SpinError) -> StagedImage {
        try sweep(for: target)
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let path = target.volume.child(prefix(for: target.name) + random + ".part")
        try StorageFiles.createExclusive(path)
        let staged = StagedImage(target: target, path: path, mark: .fresh())
        do {
            try StorageFiles.withOpenFile(path) { fd throws(SpinError) in try staged.mark.write(to: fd, path: path, volume: target.volume) }
        } catch {
            staged.discard()
            throw error
        }
        return staged
    }

    /// The common start of every temporary name for `image`.
    static func prefix(for image: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        for byte in image.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return ".spin-" + String(repeating: "0", count: 16 - hex.count) + hex + "-"
    }

    /// Removes every temporary of `target` left in its volume.
    /// - Returns: how many were removed.
    @discardableResult
    static func sweep(for target: ImageLocation) throws(SpinError) -> Int {
        let prefix = prefix(for: target.name)
        var removed = 0
        for name in try StorageFiles.list(target.volume.path) where name.hasPrefix(prefix) && name.hasSuffix(".part") {
            if try StorageFiles.remove(target.volume.child(name)) { removed += 1 }
        }
        return removed
    }

    /// Marks and flushes the temporary, checks the command's lease, and renames the temporary
    /// to the target's name unless something is there.
    /// - Parameter renewLease: called right before the rename; when it throws (the lease was
    ///   lost) nothing is renamed and the temporary is removed.
    /// - Returns: false when the target already existed; the temporary is then removed.
    func commit(renewLease: (@Sendable () async throws -> Void)?) async throws -> Bool {
        do {
            try StorageFiles.seal(path) { fd throws(SpinError) in try mark.write(to: fd, path: path, volume: target.volume) }
            try await renewLease?()
        } catch {
            discard()
            throw error
        }
        switch try StorageFiles.renameNoReplace(path, target.path) {
        case .renamed:
            try StorageFiles.syncDirectory(target.volume.path)
            return true
        case .targetExists:
            discard()
            return false
        case .crossDevice:
            discard()
            throw SpinError(.internal, "temporary \(path) and \(target) are on different filesystems")
        }
    }

    /// Removes the temporary, ignoring errors (it is swept by the next attempt anyway).
    func discard() {
        _ = unlink(path)
    }
}
