import ArgumentParser
import SpinCore
import SpinServer

/// `spin serve`: the spin server in the foreground — the same as `spin-server serve`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the spin HTTP server in the foreground (the same as spin-server serve).",
        discussion: """
            Serves the API (and the browser console) for the data root on its unix socket \
            (ROOT/spin.sock, mode 0600), or on TCP with --listen, where requests need the bearer \
            token: --token, else $SPIN_TOKEN, else ROOT/server.token (created when missing); a \
            token has at least 16 characters, and $SPIN_TOKEN or the file is better than --token, \
            which other users can read in the process list. API callers may name host paths \
            (volume directories, CD-ROMs, kernels) only under --allow-path DIR (repeatable; \
            default: the data root). SIGTERM or Ctrl-C lets in-flight requests finish.
            Example: spin serve
            Example: spin serve --listen 127.0.0.1:8080 && spin view web --host 127.0.0.1:8080
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var serve: ServeOptions

    func validate() throws {
        if global.host != nil { throw ValidationError("spin serve runs the server on this host; --host does not apply") }
    }

    func run() async throws {
        try await serve.run(root: global.spinRoot, token: global.token)
    }
}
