import SpinQemu

extension StorageAgent {
    /// Moves an image: one rename on the same filesystem, else a copy then a delete of the
    /// source. A source already gone with the target present is success; both present and
    /// identical (a move that died between copying and deleting) finishes by deleting the source.
    /// Only images spin made are moved, never onto a file it did not make; a renamed image keeps
    /// its mark, a copy across filesystems gets a fresh one. The lease is checked right before
    /// the rename and before the source is deleted.
    /// Images are read as the source's recorded format (else the command's `format`).
    /// - Throws: ``SpinError`` `.forbidden` outside the agent's scope, `.notFound` when neither exists, `.conflict` when a different
    ///   image has the target's name or either file was not made by spin.
    public func moveImage(
        _ parameters: MoveImageAction.Parameters,
        progress: (@Sendable (Double) -> Void)? = nil,
        renewLease: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        let source = try VolumePath(parameters.volumePath).image(parameters.image)
        let target = try VolumePath(parameters.targetVolumePath).image(parameters.targetImage)
        try await requireInScope(source.volume, target.volume)
        try StorageFiles.requireVolume(source.volume)
        try StorageFiles.requireVolume(target.volume)
        let given = parameters.format
        let sourceState = try await markedState(of: source, format: { try await format(of: source, given: given) }, .move)
        if source == target {
            guard sourceState != nil else { throw SpinError(.notFound, "\(source) does not exist; nothing to move") }
            return
        }
        if sourceState != nil { try ImageUse.requireUnused(source.path, what: "\(source)", verb: "move") }
        if let base = sourceState?.backing, source.volume != target.volume {
            throw SpinError(.failedPrecondition, "\(source) is an overlay on \(VolumePath.quoted(base.name)) and names it relative to its volume, so it cannot leave that volume; copy it in full instead (spin image copy)")
        }
        // A move keeps formats: the target is read as the source is, or (the source already gone)
        // as its own record, the source's record or the command says.
        let sourceFormat = sourceState?.format
        let targetState = try await markedState(
            of: target,
            format: {
                if let sourceFormat { return sourceFormat }
                return try await format(of: target, alsoRecorded: [source], given: given)
            }, .occupied)
        switch (sourceState, targetState) {
        case (nil, nil):
            throw SpinError(.notFound, "neither \(source) nor \(target) exists; nothing to move")
        case (nil, .some):
            return
        case (.some(let state), .some):
            _ = try await finishedCopy(of: source, state, at: target, format: state.format, backing: state.backing, verify: true)
            try await removeMarked(source, .move, renewLease: renewLease)
        case (.some(let state), nil):
            try await renewLease?()
            switch try StorageFiles.renameNoReplace(source.path, target.path) {
            case .renamed:
                try StorageFiles.syncDirectory(target.volume.path)
                if source.volume != target.volume { try StorageFiles.syncDirectory(source.volume.path) }
            case .targetExists:
                _ = try await finishedCopy(of: source, state, at: target, format: state.format, backing: state.backing, verify: true)
                try await removeMarked(source, .move, renewLease: renewLease)
            case .crossDevice:
                try await copyFresh(source, state, to: target, format: state.format, progress: progress, renewLease: renewLease)
                try await removeMarked(source, .move, renewLease: renewLease)
            }
        }
    }
}
