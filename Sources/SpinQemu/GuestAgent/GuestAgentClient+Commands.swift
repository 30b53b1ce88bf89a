extension GuestAgentClient {
    /// `guest-ping`: succeeds when the agent answers.
    public func ping(timeout: Duration? = nil) async throws { try await execute("guest-ping", timeout: timeout) }

    /// `guest-info`: the agent's version and commands.
    public func info() async throws -> GuestAgentInfo {
        try await execute("guest-info", as: GuestAgentInfo.self)
    }

    /// `guest-network-get-interfaces`: the guest's interfaces and their addresses.
    public func networkInterfaces() async throws -> [GuestNetworkInterface] {
        try await execute("guest-network-get-interfaces", as: [GuestNetworkInterface].self)
    }

    /// `guest-get-osinfo`: kernel and distribution.
    public func osInfo() async throws -> GuestOSInfo {
        try await execute("guest-get-osinfo", as: GuestOSInfo.self)
    }

    /// `guest-get-host-name`: the guest's host name.
    public func hostName() async throws -> String {
        struct Reply: Decodable {
            var hostName: String
            enum CodingKeys: String, CodingKey { case hostName = "host-name" }
        }
        return try await execute("guest-get-host-name", as: Reply.self).hostName
    }

    /// `guest-fsfreeze-status`: whether the guest's filesystems are frozen.
    public func filesystemFreezeStatus() async throws -> GuestFilesystemFreezeStatus {
        try await execute("guest-fsfreeze-status", as: GuestFilesystemFreezeStatus.self)
    }

    /// `guest-fsfreeze-freeze`: syncs and freezes every local filesystem of the guest (for a
    /// consistent disk snapshot); returns how many it froze. Thaw with ``filesystemThaw()``
    /// soon: writes in the guest block meanwhile.
    @discardableResult
    public func filesystemFreeze(timeout: Duration? = nil) async throws -> Int {
        try await execute("guest-fsfreeze-freeze", as: Int.self, timeout: timeout)
    }

    /// `guest-fsfreeze-thaw`: thaws the frozen filesystems; returns how many it thawed.
    @discardableResult
    public func filesystemThaw(timeout: Duration? = nil) async throws -> Int {
        try await execute("guest-fsfreeze-thaw", as: Int.self, timeout: timeout)
    }

    /// Pings until the agent answers or `timeout` passes — for a guest that is booting.
    ///
    /// Each attempt waits for the sync reply as long as the client's sync timeout; attempts
    /// that go unanswered are retried at once.
    ///
    /// - Throws: ``GuestAgentError/notResponding`` when `timeout` passes without an answer,
    ///   ``GuestAgentError/disconnected`` as soon as the connection closes (QEMU exited).
    public func waitUntilReady(timeout: Duration) async throws {
        let stopwatch = Stopwatch(clock: clock)
        while true {
            do {
                try await ping()
                return
            } catch GuestAgentError.notResponding, GuestAgentError.timeout {
                guard stopwatch.elapsed < timeout else { throw GuestAgentError.notResponding }
            }
        }
    }
}

/// The reply of `guest-fsfreeze-status`.
public enum GuestFilesystemFreezeStatus: String, Sendable, Equatable, Decodable {
    /// Filesystems are thawed (normal).
    case thawed
    /// Every local filesystem is frozen.
    case frozen
}
