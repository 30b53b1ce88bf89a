import Foundation
import SpinQemu

/// How spin reaches one running VM's guest agent: QEMU's `org.qemu.guest_agent.0` channel on
/// `qga.sock` in the VM's runtime directory. Every exchange takes the VM's
/// ``GuestAgentLock``, connects, lets ``GuestAgentClient`` resynchronize the stream (so bytes a
/// killed client left behind are never read as answers), makes its calls and closes — so any
/// number of spin processes can use one agent, one exchange at a time.
struct GuestAgentAccess: Sendable {
    /// The VM's id.
    let vmID: UInt64
    /// The VM's files.
    let paths: RuntimePaths
    /// The VM's agent lock.
    let lock: GuestAgentLock

    init(root: SpinRoot, vmID: UInt64) {
        self.vmID = vmID
        paths = RuntimePaths(root: root, vmID: vmID)
        lock = GuestAgentLock(root: root, vmID: vmID)
    }

    /// What QEMU says of the channel.
    enum Channel: Sendable, Equatable {
        /// The qemu has no agent channel (started before spin added one).
        case missing
        /// The guest has not opened its end: no agent runs there (yet).
        case closed
        /// An agent holds the guest's end.
        case open
    }

    /// The channel's state from QMP (`query-chardev`'s `frontend-open` of `qga0`): asked
    /// before any agent call, so a guest without an agent costs no sync timeout. nil when QMP
    /// does not answer. The QMP connection is closed before the agent is used (QEMU serves
    /// one QMP client at a time).
    func channel() async -> Channel? {
        guard (try? paths.verify()) != nil,
            let client = try? await QMPClient.connect(path: paths.qmpSocket, retryFor: .milliseconds(200), commandTimeout: .seconds(2))
        else { return nil }
        defer { client.close() }
        guard let chardevs = try? await client.queryChardev() else { return nil }
        guard let agent = chardevs.first(where: { $0.label == "qga0" }) else { return .missing }
        return agent.frontendOpen ? .open : .closed
    }

    /// One exchange with the agent: waits up to `lockWait` for the lock (with `existingLockOnly`,
    /// as a command that only looks: no lock file is created), connects, runs `body`, closes.
    /// - Throws: ``SpinError``: `.unavailable` when the agent is busy past `lockWait` or does
    ///   not answer the sync, `.timeout` when a call times out, `.actionFailed` when the agent
    ///   refuses a command.
    func exchange<R: Sendable>(
        lockWait: Duration, existingLockOnly: Bool = false, syncTimeout: Duration, commandTimeout: Duration,
        _ body: (GuestAgentClient) async throws -> R
    ) async throws -> R {
        let held = existingLockOnly
            ? try await lock.acquireExisting(waitingUpTo: lockWait) : try await lock.acquire(waitingUpTo: lockWait)
        defer { held?.release() }
        try paths.verify()
        let client: GuestAgentClient
        do {
            client = try await GuestAgentClient.connect(
                path: paths.guestAgentSocket, retryFor: .milliseconds(500), syncTimeout: syncTimeout, commandTimeout: commandTimeout)
        } catch {
            throw Self.spinError(error, vmID: vmID)
        }
        defer { client.close() }
        do {
            return try await body(client)
        } catch {
            throw Self.spinError(error, vmID: vmID)
        }
    }

    /// A guest agent failure as the SDK's error, naming the way out.
    static func spinError(_ error: any Error, vmID: UInt64) -> any Error {
        guard let agentError = error as? GuestAgentError else { return error }
        switch agentError {
        case .notResponding:
            return SpinError(.unavailable, "the guest agent of VM \(vmID) does not answer; the guest may still be booting, or qemu-guest-agent is not installed and running in it", cause: agentError)
        case .timeout(let command):
            return SpinError(.timeout, "the guest agent of VM \(vmID) did not finish \(command) in time", cause: agentError)
        case .commandFailed(_, let desc):
            return SpinError(.actionFailed, "the guest agent of VM \(vmID) refused: \(desc)", cause: agentError)
        case .disconnected, .transport:
            return SpinError(.unavailable, "the guest agent channel of VM \(vmID) closed (\(agentError)); is the VM still running?", cause: agentError)
        case .decoding, .invalidRequest:
            return SpinError(.internal, "guest agent of VM \(vmID): \(agentError)", cause: agentError)
        }
    }
}
