import SpinQemu

extension StorageAgent {
    /// Copies an image with `qemu-img convert` into a fresh, marked temporary in the target
    /// volume, flushes it and renames it into place right after checking the lease (the source
    /// is only read, so it may be any image inside the agent's scope; an overlay is read through
    /// its base, or copied as an overlay on the same base with `keepBacking`). The source is read as
    /// its recorded format (else the command's `format`): a raw image is copied byte for byte
    /// whatever header its guest wrote into it; an image with a backing file outside its
    /// volume is refused before qemu-img reads anything but its header. A target already there with the same format and
    /// size (and, with `verify`, the same content) is success; temporaries of earlier, dead
    /// attempts are removed first, so a copy cut short by a crash is simply redone.
    /// - Parameters:
    ///   - progress: receives the fraction copied, from 0 to 1.
    ///   - renewLease: called every ``leaseRenewalInterval`` while copying; when it throws
    ///     (the lease was lost) the copy stops and its temporary is removed; called once more
    ///     right before the rename into place.
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope or for a backing file
    ///   outside the source's volume, `.notFound` when the source or a volume is missing, `.conflict`
    ///   when a different image or a file spin did not make has the target's name,
    ///   `.actionFailed` when qemu-img fails.
    public func copyImage(
        _ parameters: CopyImageAction.Parameters,
        progress: (@Sendable (Double) -> Void)? = nil,
        renewLease: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        let source = try VolumePath(parameters.volumePath).image(parameters.image)
        let target = try VolumePath(parameters.targetVolumePath).image(parameters.targetImage)
        guard source != target else {
            throw SpinError(.invalidArgument, "cannot copy \(source) onto itself; choose another target name")
        }
        try await requireInScope(source.volume, target.volume)
        try StorageFiles.requireVolume(source.volume)
        try StorageFiles.requireVolume(target.volume)
        let given = parameters.format
        guard let sourceState = try await inspector.state(of: source, format: { try await format(of: source, given: given) }) else {
            throw SpinError(.notFound, "\(source) does not exist; nothing to copy")
        }
        let targetFormat = try await scope.recordedFormat(of: target) ?? parameters.targetFormat ?? sourceState.format
        var backing: ImageBacking?
        if parameters.keepBacking == true, let base = sourceState.backing {
            guard target.volume == source.volume, targetFormat == .qcow2 else {
                throw SpinError(.invalidArgument, "a copy of the overlay \(source) on its base \(VolumePath.quoted(base.name)) must be qcow2 in the same volume; copy it in full (without keepBacking) to go elsewhere")
            }
            backing = base
        }
        if try await finishedCopy(of: source, sourceState, at: target, format: targetFormat, backing: backing, verify: parameters.verify == true) { return }
        try await copyFresh(source, sourceState, to: target, format: targetFormat, backing: backing, progress: progress, renewLease: renewLease)
    }

    /// Whether `target` already is a copy of `source` in `format`.
    /// - Throws: ``SpinError`` `.conflict` when something else, or a file spin did not make,
    ///   has the target's name.
    func finishedCopy(of source: ImageLocation, _ sourceState: ImageState, at target: ImageLocation,
                      format: QemuDisk.Format, backing: ImageBacking? = nil, verify: Bool) async throws -> Bool {
        guard let existing = try await markedState(of: target, format: format, .occupied) else { return false }
        // qemu-img rounds a size that is not a multiple of 512 bytes up to the next sector.
        let rounded = (sourceState.virtualSize + 511) / 512 * 512
        let size = existing.virtualSize == rounded ? rounded : sourceState.virtualSize
        try Self.requireMatch(existing, ImageState(format: format, virtualSize: size, backing: backing), target)
        if verify, try await !inspector.sameContent(source, sourceState.format, target, format) {
            throw SpinError(.conflict, "\(target) exists with the right size and format but different content from \(source); delete it or choose another name")
        }
        return true
    }

    /// Copies `source` into a new temporary and renames it to `target`.
    func copyFresh(
        _ source: ImageLocation, _ sourceState: ImageState, to target: ImageLocation, format: QemuDisk.Format,
        backing: ImageBacking? = nil, progress: (@Sendable (Double) -> Void)?, renewLease: (@Sendable () async throws -> Void)?
    ) async throws {
        let staged = try StagedImage.create(for: target)
        let qemuImg = qemuImg
        let interval = leaseRenewalInterval
        var percentReporter: (@Sendable (Double) -> Void)?
        if let progress {
            percentReporter = { percent in progress(min(max(percent / 100, 0), 1)) }
        }
        let onPercent = percentReporter
        do {
            try await withThrowingTaskGroup(of: Void.self) { group -> Void in
                group.addTask {
                    try await qemuImg.convert(
                        from: source.path, to: staged.path, sourceFormat: sourceState.format, targetFormat: format,
                        backingFile: backing?.name, backingFormat: backing?.format, progress: onPercent)
                }
                if let renewLease {
                    group.addTask {
                        while true {
                            try await Task.sleep(for: interval)
                            try await renewLease()
                        }
                    }
                }
                // The first task to end is the copy, unless renewing the lease failed.
                _ = try await group.next()
                group.cancelAll()
            }
        } catch {
            staged.discard()
            if error is SpinError || error is CancellationError { throw error }
            throw ImageInspector.failure(error, "cannot copy \(source) to \(target)")
        }
        if try await !staged.commit(renewLease: renewLease) {
            guard try await finishedCopy(of: source, sourceState, at: target, format: format, backing: backing, verify: false) else {
                throw SpinError(.actionFailed, "\(target) appeared and vanished while it was being copied; run the command again")
            }
        }
    }
}
