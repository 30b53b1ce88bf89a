import Foundation

/// Internal snapshots of qcow2 images (`qemu-img snapshot`). Every call takes the image as
/// qcow2 — `qemu-img snapshot` has no `-f`, so the image is named with `--image-opts`
/// (`driver=qcow2,file.driver=file,file.filename=PATH`): snapshots exist only in qcow2, and
/// the format is never probed.
///
/// qemu-img accepts a second snapshot with a name already taken; callers that must not make
/// duplicates list first (``listSnapshots(path:forceShare:)``).
extension QemuImg {
    /// Creates the internal snapshot `name` (`snapshot -c`). Fails if the image is open in a
    /// running qemu (its write lock) or already holds a snapshot of that name.
    public func createSnapshot(path: String, name: String) async throws(Error) {
        _ = try await runSnapshot(["-c", name], path: path)
    }

    /// Reverts the image to the snapshot `name` (`snapshot -a`).
    public func applySnapshot(path: String, name: String) async throws(Error) {
        _ = try await runSnapshot(["-a", name], path: path)
    }

    /// Deletes the snapshot `name` (`snapshot -d`), freeing the clusters only it used.
    public func deleteSnapshot(path: String, name: String) async throws(Error) {
        _ = try await runSnapshot(["-d", name], path: path)
    }

    /// The image's snapshots (`info --output=json`, whose `snapshots` member is what
    /// `snapshot -l` prints, in a form meant for programs).
    /// - Parameter forceShare: read an image a running qemu holds open (`-U`).
    public func listSnapshots(path: String, forceShare: Bool = false) async throws(Error) -> [QemuImageSnapshot] {
        try await info(path: path, format: .qcow2, forceShare: forceShare).snapshots ?? []
    }

    private func runSnapshot(_ operation: [String], path: String) async throws(Error) -> String {
        guard let name = operation.last, !name.isEmpty, !name.hasPrefix("-") else {
            throw .invalidArgument("a snapshot name must not be empty or start with \"-\"")
        }
        do {
            return try await ProcessRunner.run(executable, ["snapshot", "-q", "--image-opts"] + operation + [Self.qcow2ImageOptions(path)]).standardOutputText
        } catch {
            throw .from(error, executable: executable)
        }
    }

    /// `driver=qcow2,file.driver=file,file.filename=PATH` with the path's commas doubled (the
    /// option syntax's escape), so no part of a path is read as another option.
    static func qcow2ImageOptions(_ path: String) -> String {
        "driver=qcow2,file.driver=file,file.filename=" + path.replacingOccurrences(of: ",", with: ",,")
    }
}
