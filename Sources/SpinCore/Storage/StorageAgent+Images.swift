import SpinQemu

extension StorageAgent {
    /// Creates an empty image in the command's format (refused when the image's record says
    /// another): `qemu-img create` into a fresh, marked temporary in the volume,
    /// then a rename into place right after checking the lease. An image spin made already
    /// there with the same format and size is success.
    /// - Parameter renewLease: checks the command's lease right before the rename; when it
    ///   throws, nothing is put in place.
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope; `.conflict` when a file
    ///   spin did not make has the name, or an image of another size or format; `.notFound`
    ///   when the volume is missing;
    ///   `.invalidArgument` for a bad name or a size of 0; `.failedPrecondition` when the
    ///   volume's filesystem cannot hold the mark; `.actionFailed` when qemu-img fails.
    public func createImage(_ parameters: CreateImageAction.Parameters, renewLease: (@Sendable () async throws -> Void)? = nil) async throws {
        let image = try VolumePath(parameters.volumePath).image(parameters.image)
        guard parameters.sizeBytes > 0 else {
            throw SpinError(.invalidArgument, "size of \(image) must be more than 0 bytes")
        }
        try await requireInScope(image.volume)
        try StorageFiles.requireVolume(image.volume)
        let format = parameters.format
        try Self.requireMarked(image, .occupied)
        if let recorded = try await scope.recordedFormat(of: image), recorded != format {
            throw SpinError(.conflict, "\(image) is recorded as \(recorded.rawValue), not \(format.rawValue) as the command asks; delete it or choose another name")
        }
        let backing = try await overlayBacking(parameters, of: image)
        let wanted = ImageState(format: format, virtualSize: parameters.sizeBytes, backing: backing)
        if let existing = try await markedState(of: image, format: format, .occupied) {
            try Self.requireMatch(existing, wanted, image)
            return
        }
        let staged = try StagedImage.create(for: image)
        do {
            // The base's bare name: qemu resolves it against the overlay's own directory.
            try await qemuImg.create(
                path: staged.path, format: format, sizeBytes: parameters.sizeBytes,
                backingFile: backing?.name, backingFormat: backing?.format)
        } catch {
            staged.discard()
            throw ImageInspector.failure(error, "cannot create \(image)")
        }
        if try await !staged.commit(renewLease: renewLease) {
            // Another delivery of the command won the race; accept its image if it matches.
            guard let existing = try await markedState(of: image, format: format, .occupied) else {
                throw SpinError(.actionFailed, "\(image) appeared and vanished while it was being created; run the command again")
            }
            try Self.requireMatch(existing, wanted, image)
        }
    }

    /// The base of an overlay to create, checked: an image spin made in the same volume, read
    /// as its recorded format (else the command's `backingFormat`), standalone, and no larger
    /// than the overlay. Nil when the command makes a plain image.
    /// - Throws: ``SpinError`` `.invalidArgument` for a format other than qcow2, `.notFound`
    ///   when the base is missing, `.conflict` for a base spin did not make,
    ///   `.failedPrecondition` for a base that is an overlay itself or larger than the overlay.
    func overlayBacking(_ parameters: CreateImageAction.Parameters, of image: ImageLocation) async throws -> ImageBacking? {
        guard let name = parameters.backingImage else { return nil }
        guard parameters.format == .qcow2 else {
            throw SpinError(.invalidArgument, "\(image) can be an overlay on \(VolumePath.quoted(name)) only as qcow2, not \(parameters.format.rawValue)")
        }
        let base = try image.volume.image(name)
        guard base != image else { throw SpinError(.invalidArgument, "\(image) cannot be its own base") }
        let given = parameters.backingFormat
        guard let state = try await markedState(of: base, format: { try await format(of: base, given: given) }, .base) else {
            throw SpinError(.notFound, "the base \(base) does not exist; import it with spin image import \(image.volume.path) \(name) FILE --base")
        }
        guard state.backing == nil else {
            throw SpinError(.failedPrecondition, "\(base) is an overlay itself; a base must be a standalone image")
        }
        guard parameters.sizeBytes >= state.virtualSize else {
            throw SpinError(.failedPrecondition, "\(image) would be \(parameters.sizeBytes) bytes, smaller than its base \(base) (\(state.virtualSize) bytes); give at least the base's size")
        }
        return ImageBacking(name: name, format: state.format)
    }

    /// Deletes an image spin made; succeeds when it is already gone. The mark and then the
    /// command's lease are checked right before the unlink.
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope; `.conflict` for a file
    ///   spin did not make (it stays), a directory
    ///   or other non-regular file; `.failedPrecondition` for a symbolic link; `.notFound` when
    ///   the volume is missing; what `renewLease` throws when the lease was lost.
    public func deleteImage(_ parameters: DeleteImageAction.Parameters, renewLease: (@Sendable () async throws -> Void)? = nil) async throws {
        let image = try VolumePath(parameters.volumePath).image(parameters.image)
        try await requireInScope(image.volume)
        // A volume directory that is gone took its images with it: a `volume delete --force`
        // killed after removing the directory is finished by running it again.
        if try StorageFiles.kind(image.volume.path) == .absent { return }
        try StorageFiles.requireVolume(image.volume)
        switch try StorageFiles.kind(image.path) {
        case .absent: return
        case .symlink: throw StorageFiles.symlinkRefused("\(image)")
        case .directory, .other: throw SpinError(.conflict, "\(image) is not a regular file; spin deletes only images")
        case .regular: break
        }
        try ImageUse.requireUnused(image.path, what: "\(image)", verb: "delete")
        try await removeMarked(image, .delete, renewLease: renewLease)
    }

    /// Grows an image spin made to `sizeBytes`; the same size is success; shrinking needs
    /// `force`. The command's lease is checked right before qemu-img changes the file, which it
    /// reads as the recorded format (else the command's).
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope, `.invalidArgument` when
    ///   no format is known; `.conflict` for a file spin did not make; `.failedPrecondition`
    ///   when shrinking without `force` or when the file has other hard links; `.notFound`
    ///   when the image or volume is missing.
    public func resizeImage(_ parameters: ResizeImageAction.Parameters, renewLease: (@Sendable () async throws -> Void)? = nil) async throws {
        let image = try VolumePath(parameters.volumePath).image(parameters.image)
        guard parameters.sizeBytes > 0 else {
            throw SpinError(.invalidArgument, "new size of \(image) must be more than 0 bytes")
        }
        try await requireInScope(image.volume)
        try StorageFiles.requireVolume(image.volume)
        let given = parameters.format
        guard let existing = try await markedState(of: image, format: { try await format(of: image, given: given) }, .resize) else {
            throw SpinError(.notFound, "\(image) does not exist; create it first")
        }
        if existing.virtualSize == parameters.sizeBytes { return }
        let shrink = parameters.sizeBytes < existing.virtualSize
        if shrink, parameters.force != true {
            throw SpinError(.failedPrecondition, "\(image) is \(existing.virtualSize) bytes; shrinking it to \(parameters.sizeBytes) bytes discards data past that point, so pass force to do it anyway")
        }
        try ImageUse.requireUnused(image.path, what: "\(image)", verb: "resize")
        guard try StorageFiles.checkRegular(image.path, what: "\(image)") == 1 else {
            throw SpinError(.failedPrecondition, "\(image) has other hard links; spin resizes only images it alone names")
        }
        try await renewLease?()
        do {
            try await qemuImg.resize(path: image.path, format: existing.format, sizeBytes: parameters.sizeBytes, shrink: shrink)
        } catch {
            throw ImageInspector.failure(error, "cannot resize \(image)")
        }
    }

    /// Fails unless `existing` is what an action would have made.
    static func requireMatch(_ existing: ImageState, _ wanted: ImageState, _ image: ImageLocation) throws {
        guard existing == wanted else {
            throw SpinError(.conflict, "\(image) exists with \(existing), not \(wanted); delete it or choose another name")
        }
    }
}
