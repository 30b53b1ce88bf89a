import Foundation
import SpinCore

/// Opening the SDK for one command: embedded (this process runs the agents it needs) unless
/// `--host` asks for a server, which is not available yet.
extension GlobalOptions {
    /// The message for `--host` until the server's client exists.
    static let remoteUnavailable =
        "remote mode (--host) is not available yet: spin-server's client lands with the server; omit --host to manage this host directly"

    /// Opens the store under the root, runs `body`, and closes the SDK on every path.
    /// - Parameter agents: whether this process serves the storage and emulation queues
    ///   (commands that change things); read-only commands leave them to others.
    func withSpin<T>(agents: Bool = true, _ body: (Spin) async throws -> T) async throws -> T {
        if remoteHost != nil {
            throw SpinError(.unavailable, Self.remoteUnavailable)
        }
        let spin = try await Spin.open(root: spinRoot, options: SpinOptions(runsAgents: agents, storageProgress: Progress.storageSink))
        do {
            let result = try await body(spin)
            await spin.close()
            return result
        } catch {
            await spin.close()
            throw error
        }
    }
}
