import ArgumentParser
import Foundation
import SpinCore

/// Flags every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Data root (default: $SPIN_ROOT, else /var/lib/spin as root, else ~/.config/spin).")
    var root: String?

    @Option(name: .long, help: "A spin server to manage instead of this host: a socket path, HOST:PORT or URL (default: $SPIN_HOST).")
    var host: String?

    @Option(name: .long, help: "The server's bearer token for TCP (default: $SPIN_TOKEN, else ROOT/server.token).")
    var token: String?

    @Option(name: .long, help: "Output format: text for people, json for scripts.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Print underlying causes with errors.")
    var debug = false

    /// The resolved data root.
    var spinRoot: SpinRoot { SpinRoot(explicit: root) }

    /// The server to talk to, from `--host` or `$SPIN_HOST`; nil means embedded.
    var remoteHost: String? {
        if let host, !host.isEmpty { return host }
        if let fromEnv = ProcessInfo.processInfo.environment["SPIN_HOST"], !fromEnv.isEmpty { return fromEnv }
        return nil
    }

    /// Whether commands go to a server rather than this host.
    var isRemote: Bool { remoteHost != nil }

    /// Whether output is JSON.
    var json: Bool { format == .json }
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Aligned tables and sentences.
    case text
    /// Stable JSON documents (docs/cli.md).
    case json
}
