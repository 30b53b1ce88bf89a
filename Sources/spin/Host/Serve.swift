import ArgumentParser
import Foundation
import SpinCore

/// `spin serve`: the spin server in the foreground. The server is its own executable,
/// `spin-server`, so the CLI does not carry the HTTP stack: this command replaces itself with
/// `spin-server serve` and the same arguments (the one beside this `spin`, else on `PATH`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the spin HTTP server in the foreground (runs spin-server serve).",
        discussion: """
            Serves the API (and the browser console) for the data root on its unix socket \
            (ROOT/spin.sock, mode 0600), or on TCP with --listen, where requests need the bearer \
            token: --token, else $SPIN_TOKEN, else ROOT/server.token (created when missing); a \
            token has at least 16 characters, and $SPIN_TOKEN or the file is better than --token, \
            which other users can read in the process list. API callers may name host paths \
            (volume directories, CD-ROMs, kernels) only under --allow-path DIR (repeatable; \
            default: the data root). SIGTERM or Ctrl-C lets in-flight requests finish.
            Every option is spin-server serve's (spin-server serve --help lists them); spin \
            runs the spin-server installed beside it, else the one on PATH.
            Example: spin serve
            Example: spin serve --listen 127.0.0.1:8080 && spin view web --host 127.0.0.1:8080
            """
    )

    @Argument(parsing: .allUnrecognized, help: "spin-server serve's options, such as --root, --listen, --token, --allow-path.")
    var options: [String] = []

    func run() throws {
        let server = try ServerExecutable.locate()
        let argv = [server, "serve"] + options
        var cArguments = argv.map { strdup($0) } + [nil]
        execv(server, &cArguments)
        let reason = String(cString: strerror(errno))
        throw SpinError(.unavailable, "cannot run \(server): \(reason)")
    }
}

/// Where `spin-server` is: beside the running `spin`, else on `PATH`.
enum ServerExecutable {
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
        let directories = [own] + (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/spin-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SpinError(
            .unavailable,
            "spin serve runs spin-server, which is neither beside spin (\(own)) nor on PATH; build it with swift build --product spin-server, or install it next to spin")
    }
}
