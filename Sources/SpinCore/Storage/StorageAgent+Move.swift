extension StorageAgent {
    /// Moves an image: one rename on the same filesystem, else a copy then a delete of the
    /// source. A source already gone with the target present is success; both present and
    /// identical (a move that died between copying and deleting) finishes by deleting the source.
    /// - Throws: ``SpinError`` `.notFound` when neither exists, `.conflict` when a different
    ///   image has the target's name.
    public func moveImage(
        _ parameters: MoveImageAction.Parameters,
        progress: (@Sendable (Double) -> Void)? = nil,
        renewLease: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        let source = try VolumePath(parameters.volumePath).image(parameters.image)
        let target = try VolumePath(parameters.targetVolumePath).image(parameters.targetImage)
        try StorageFiles.requireVolume(source.volume)
        try StorageFiles.requireVolume(target.volume)
        let sourceState = try await inspector.state(of: source)
        if source == target {
            guard sourceState != nil else { throw SpinError(.notFound, "\(source) does not exist; nothing to move") }
            return
        }
        if sourceState != nil { try ImageUse.requireUnused(source.path, what: "\(source)", verb: "move") }
        let targetState = try await inspector.state(of: target)
        switch (sourceState, targetState) {
        case (nil, nil):
            throw SpinError(.notFound, "neither \(source) nor \(target) exists; nothing to move")
        case (nil, .some):
            return
        case (.some(let state), .some):
            _ = try await finishedCopy(of: source, state, at: target, format: state.format, verify: true)
            try removeSource(source)
        case (.some(let state), nil):
            switch try StorageFiles.renameNoReplace(source.path, target.path) {
            case .renamed:
                try StorageFiles.syncDirectory(target.volume.path)
                if source.volume != target.volume { try StorageFiles.syncDirectory(source.volume.path) }
            case .targetExists:
                _ = try await finishedCopy(of: source, state, at: target, format: state.format, verify: true)
                try removeSource(source)
            case .crossDevice:
                try await copyFresh(source, state, to: target, format: state.format, progress: progress, renewLease: renewLease)
                try removeSource(source)
            }
        }
    }

    private func removeSource(_ source: ImageLocation) throws {
        if try StorageFiles.remove(source.path) {
            try StorageFiles.syncDirectory(source.volume.path)
        }
    }
}
