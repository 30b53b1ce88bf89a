import Foundation
import SpinClient
import SpinCore

/// Opening spin for one command: embedded (this process opens the store and runs the agents
/// it needs) unless `--host` / `$SPIN_HOST` names a server.
extension GlobalOptions {
    /// Runs `body` against this host or the server, and closes what it opened on every path.
    /// - Parameter agents: embedded only: whether this process serves the storage and emulation
    ///   queues (commands that change things); commands that do not leave them to others.
    func withBackend<T>(agents: Bool = true, _ body: (any SpinService) async throws -> T) async throws -> T {
        if remoteHost != nil { return try await withRemote { remote in try await body(remote) } }
        return try await withSpin(agents: agents) { spin in try await body(spin) }
    }

    /// Runs a command that only looks (listings, details): embedded, the store is opened
    /// read-only and nothing else is started, created or spawned (``SpinOptions/readOnly``).
    func withReader<T>(_ body: (any SpinService) async throws -> T) async throws -> T {
        if remoteHost != nil { return try await withRemote { remote in try await body(remote) } }
        return try await withSpin(agents: false, readOnly: true) { spin in try await body(spin) }
    }

    /// Runs `body` against the server `--host` names, and closes the connection on every path.
    /// - Precondition: ``remoteHost`` is set.
    func withRemote<T>(_ body: (SpinRemote) async throws -> T) async throws -> T {
        let host = remoteHost ?? ""
        let remote = try SpinRemote.connect(root: spinRoot, host: host, token: token, failFast: true)
        do {
            let result = try await body(remote)
            try? await remote.close()
            return result
        } catch {
            try? await remote.close()
            throw Self.explainUnreachable(error, host: host)
        }
    }

    /// Opens the SDK in this process, runs `body`, and closes the SDK on every path; for
    /// commands that work on this host only (they refuse `--host` first, see ``requireLocal(_:why:instead:)``).
    func withSpin<T>(agents: Bool = true, readOnly: Bool = false, _ body: (Spin) async throws -> T) async throws -> T {
        var broker = try BrokerOptions.fromEnvironment()
        // A command lives for milliseconds: poll for other processes' commits rather than pay
        // inotify's ~15 ms close on the way out.
        broker.changeDetection = .polling(interval: .milliseconds(2))
        var options = SpinOptions(runsAgents: agents, broker: broker, storageProgress: Progress.storageSink)
        options.managesNetworks = true
        options.readOnly = readOnly
        let spin = try await Spin.open(root: spinRoot, options: options)
        do {
            let result = try await body(spin)
            await spin.close()
            return result
        } catch {
            await spin.close()
            throw error
        }
    }

    /// Refuses remote mode for a command that works on this host only.
    /// - Parameters:
    ///   - command: the command, e.g. `spin qmp`.
    ///   - why: why it cannot go through a server.
    ///   - instead: what to do instead.
    func requireLocal(_ command: String, why: String, instead: String) throws {
        guard let host = remoteHost else { return }
        throw SpinError(.unavailable, "\(command) works on this host only (\(why)), not through the server at \(host); \(instead)")
    }

    /// A transport failure (the server's own errors carry no cause) as the message a user
    /// needs: which server did not answer and how to start one.
    static func explainUnreachable(_ error: any Error, host: String) -> any Error {
        guard let spinError = error as? SpinError, spinError.code == .unavailable, spinError.cause != nil else { return error }
        return SpinError(
            .unavailable,
            "cannot reach the spin server at \(host) (\(spinError.message)); start it with spin serve (or spin-server) on that host, or omit --host and unset SPIN_HOST to manage this host directly",
            cause: spinError.cause)
    }
}
