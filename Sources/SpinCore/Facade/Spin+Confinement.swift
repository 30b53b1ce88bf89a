import Foundation

/// Path confinement: when ``SpinOptions/allowedPaths`` is set (the server), every host path a
/// caller names — a volume's directory, a CD-ROM, a kernel or initrd, a raw command's volume
/// paths — must lie inside the allowed roots once its links are resolved; else `.forbidden`
/// (HTTP 403) naming the path and `--allow-path DIR`, before anything is recorded.
extension Spin {
    /// Throws unless `path` is allowed; does nothing for an unconfined instance (the embedded
    /// CLI). A path that is not absolute is left to validation, which refuses it with its own
    /// message.
    func confine(_ path: String, what: String) throws {
        guard let allowed = options.allowedPaths, path.utf8.first == UInt8(ascii: "/") else { return }
        try allowed.check(path, what: what)
    }

    /// Checks the host paths of a VM's settings: CD-ROMs, the kernel and the initrd, shared
    /// folders. Paths that `previous` already named are not checked again (an operator may
    /// have set them).
    func confineHostPaths(storage: [StorageAttachment], kernel: DirectBoot?, mounts: [SharedFolder] = [], previous: VM? = nil) throws {
        guard options.allowedPaths != nil else { return }
        let known = Set(previous.map { Self.hostPaths(storage: $0.storage, kernel: $0.kernel) + $0.mounts.map(\.hostPath) } ?? [])
        for mount in mounts where !known.contains(mount.hostPath) {
            try confine(mount.hostPath, what: "shared folder")
        }
        for case .cdrom(let path) in storage where !known.contains(path) {
            try confine(path, what: "CD-ROM")
        }
        if let kernel {
            if !known.contains(kernel.kernel) { try confine(kernel.kernel, what: "kernel") }
            if let initrd = kernel.initrd, !known.contains(initrd) { try confine(initrd, what: "initrd") }
        }
    }

    /// Checks every host path a raw broker command carries: its string parameters whose names
    /// end in `path` or `Path` (`volumePath`, `targetVolumePath`).
    func confineHostPaths(of command: CommandDraft) throws {
        guard options.allowedPaths != nil, case .object(let fields) = command.parameters else { return }
        for key in fields.keys.sorted() where key == "path" || key.hasSuffix("Path") {
            guard case .string(let path) = fields[key] else { continue }
            // A raw command's path is not validated elsewhere: a relative one is refused too.
            guard path.utf8.first == UInt8(ascii: "/") else {
                throw SpinError(.forbidden, "parameter \"\(key)\" of \(command.resource).\(command.action) is \(quoted(path)), not an absolute path inside the allowed paths; give one under \(options.allowedPaths?.description ?? "/")")
            }
            try confine(path, what: "parameter \"\(key)\" of \(command.resource).\(command.action)")
        }
    }

    private static func hostPaths(storage: [StorageAttachment], kernel: DirectBoot?) -> [String] {
        storage.compactMap(\.path) + [kernel?.kernel, kernel?.initrd].compactMap { $0 }
    }

    /// Adds a raw command to an open package (the HTTP API's `POST /v1/packages/{id}/commands`):
    /// the action and its parameters are checked against the catalog, then its host paths
    /// against the allowed roots.
    /// - Throws: ``SpinError`` `.actionFailed` (422) for an unknown action or parameters that
    ///   are not the action's,
    ///   `.forbidden` for a path outside the allowed roots, `.notFound`/`.failedPrecondition`
    ///   for the package.
    public func addCommand(_ command: CommandDraft, to package: UInt64) async throws -> UUID {
        do {
            try broker.catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        } catch let error as SpinError where error.code == .invalidArgument {
            // Well-formed, but not a command the broker can run: an action of another resource,
            // or parameters that are not the action's (no schema of the request can state it).
            throw SpinError(.actionFailed, "the broker cannot take this command: \(error.message)", cause: error)
        }
        try confineHostPaths(of: command)
        return try await broker.add(command, to: package)
    }
}
