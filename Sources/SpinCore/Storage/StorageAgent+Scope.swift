import SpinQemu

extension StorageAgent {
    /// Checks, right before an action touches anything, that each directory is one the agent's
    /// ``scope`` allows.
    /// - Throws: ``SpinError`` `.forbidden` from the scope, naming the directory and the fix.
    func requireInScope(_ volumes: VolumePath...) async throws {
        for volume in volumes { try await scope.checkVolume(volume) }
    }

    /// The format to read `image` as: its record's, else that of the first of `alsoRecorded`
    /// with a record (a move's source, for its target), else `given` (the command's).
    /// - Throws: ``SpinError`` `.invalidArgument` when none says, as qemu-img must not guess.
    func format(of image: ImageLocation, alsoRecorded: [ImageLocation] = [], given: QemuDisk.Format?) async throws -> QemuDisk.Format {
        for candidate in [image] + alsoRecorded {
            if let recorded = try await scope.recordedFormat(of: candidate) { return recorded }
        }
        if let given { return given }
        throw SpinError(.invalidArgument, "the command does not give the format of \(image), and no record here does; spin never lets qemu-img guess a format (a guest can write any header into its disk), so put the image's recorded format in the command's \"format\" parameter")
    }
}
