import ArgumentParser
import Foundation
import SpinClient
import SpinCore
import SpinQemu

/// `spin-server agent storage --host … [--allow-path DIR]…`: serves a resource queue of a
/// (remote) server from this host, over the HTTP API. Runs until SIGTERM/SIGINT.
///
/// The agent acts only inside the directories this host allows — `--allow-path DIR` (links
/// resolved), by default `ROOT/images`, where volumes without a path of their own live —
/// whatever the server or anyone able to submit commands to it asks.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Serve a resource queue of a spin server over HTTP (storage only, for now).")

    @OptionGroup var options: RootOptions

    @Argument(help: "The queue to serve: storage.")
    var resource: String

    @Option(name: .long, help: "The server: a socket path, HOST:PORT or URL (default: ROOT/spin.sock).")
    var host: String?

    @Option(name: .long, help: "The bearer token (default: $SPIN_TOKEN, else ROOT/server.token).")
    var token: String?

    @Option(name: .long, help: "Runners serving the queue at once.")
    var concurrency: Int = 2

    @Option(name: .customLong("allow-path"), help: ArgumentHelp(
        "A directory the agent may act in (volume directories and their images); repeatable. Default: ROOT/images. Naming any replaces the default.",
        valueName: "DIR"))
    var allowPaths: [String] = []

    @Option(name: .customLong("drain-seconds"), help: "On SIGTERM, how long a command in flight may still run before it is handed back.")
    var drainSeconds: Int = 10

    func validate() throws {
        guard resource == "storage" else { throw ValidationError("only the storage queue can be served remotely for now") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
        guard (0...3600).contains(drainSeconds) else { throw ValidationError("--drain-seconds must be 0 to 3600") }
        for path in allowPaths where !path.hasPrefix("/") || path.utf8.contains(0) {
            throw ValidationError("--allow-path \(path) is not an absolute path; give a directory such as /var/lib/spin/images")
        }
    }

    /// The roots the agent may act in: the `--allow-path` directories, else `ROOT/images`.
    var allowedRoots: AllowedRoots {
        AllowedRoots(allowPaths.isEmpty ? [options.spinRoot.imagesPath] : allowPaths)
    }

    func run() async throws {
        let remote = try SpinRemote.connect(root: options.spinRoot, host: host, token: token)
        let runner = RemoteAgentRunner(
            remote: remote, agent: StorageAgent(qemuImg: QemuImg(executable: "qemu-img"), scope: allowedRoots),
            drainTimeout: .seconds(drainSeconds))
        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency { group.addTask { await runner.run() } }
            }
        }
        // Stop cleanly on SIGTERM/SIGINT: runners take nothing new; a command in flight
        // finishes within --drain-seconds or is handed back to the server.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT])
        await signals.wait()
        work.cancel()
        await work.value
        try? await remote.close()
    }
}

/// Waits for one of some signals, without a handler that could interrupt other work.
struct SignalWaiter: Sendable {
    let signals: [Int32]

    func wait() async {
        let sources = signals.map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            for source in sources {
                source.setEventHandler { if once.claim() { continuation.resume() } }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }
}

import Synchronization

/// True the first time only.
final class OnceFlag: Sendable {
    private let done = Mutex(false)
    func claim() -> Bool { done.withLock { done in defer { done = true }; return !done } }
}
