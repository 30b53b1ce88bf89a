import SpinQemu

extension StorageAgent {
    /// What to tell the caller when a file spin did not make stands in the way.
    enum Refusal {
        /// Creating or copying onto the name.
        case occupied
        /// Deleting it.
        case delete
        /// Moving it away.
        case move
        /// Resizing it.
        case resize
        /// Making an overlay on it.
        case base

        var fix: String {
            switch self {
            case .occupied: "spin never overwrites or adopts such a file, so move it away or choose another name"
            case .delete: "spin deletes only files it made, so move or remove it yourself (then delete again to forget the image)"
            case .move: "spin moves only files it made, so move it yourself or copy it into a new image (spin image copy)"
            case .resize: "spin resizes only files it made, so copy it into a new image (spin image copy) and resize that"
            case .base: "spin makes overlays only on images it made, so import the file as a base (spin image import VOLUME NAME FILE --base)"
            }
        }
    }

    /// The error for a file without spin's mark.
    static func notMadeBySpin(_ image: ImageLocation, _ refusal: Refusal) -> SpinError {
        SpinError(.conflict, "\(image.path) exists and was not made by spin (it has no \(ImageMark.attribute) mark); \(refusal.fix)")
    }

    /// Fails unless the regular file at `image` carries spin's mark; nothing there is fine.
    /// Links and other non-regular files are left for the caller's own checks.
    static func requireMarked(_ image: ImageLocation, _ refusal: Refusal) throws(SpinError) {
        guard try StorageFiles.kind(image.path) == .regular else { return }
        guard try ImageMark.read(atPath: image.path) != nil else { throw notMadeBySpin(image, refusal) }
    }

    /// The state of an image spin made, or nil when nothing is at its path.
    /// - Throws: ``SpinError`` `.conflict` for a file without spin's mark (before qemu-img
    ///   reads it), and what ``ImageInspector/state(of:format:)-(_,QemuDisk.Format)`` throws.
    func markedState(of image: ImageLocation, format: QemuDisk.Format, _ refusal: Refusal) async throws -> ImageState? {
        try await markedState(of: image, format: { format }, refusal)
    }

    /// ``markedState(of:format:_:)`` with the format asked for only once a file is there.
    func markedState(of image: ImageLocation, format: () async throws -> QemuDisk.Format, _ refusal: Refusal) async throws -> ImageState? {
        try Self.requireMarked(image, refusal)
        return try await inspector.state(of: image, format: format)
    }

    /// Removes a file spin made, checking its mark and then the command's lease right before
    /// the unlink; flushes the directory. A file already gone is success.
    func removeMarked(_ image: ImageLocation, _ refusal: Refusal, renewLease: (@Sendable () async throws -> Void)?) async throws {
        try Self.requireMarked(image, refusal)
        try await renewLease?()
        if try StorageFiles.remove(image.path) {
            try StorageFiles.syncDirectory(image.volume.path)
        }
    }
}
