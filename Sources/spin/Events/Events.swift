import ArgumentParser
import SpinCore

/// `spin events [VM]`: live VM state changes and package progress until Ctrl-C.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print live events: VM state changes and package progress, until Ctrl-C.",
        discussion: """
            One line per event; with --format json, one JSON object per line: \
            {"kind":"vm.state","vmID":1,"state":"running","previousState":"starting","time":…}, \
            {"kind":"package","package":7,"state":"succeeded",…}, \
            {"kind":"command","package":7,"command":"UUID","resource":"emulation","state":"leased",…}. \
            With a VM, only that VM's state changes. Embedded, package progress shows only for \
            packages this process runs; through a server (--host), for every package.
            Example: spin events --format json
            Example: spin events web --host 127.0.0.1:8080
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this VM's state changes (id or name).") var vm: String?

    func run() async throws {
        try await global.withBackend(agents: false) { backend in
            try await EventLines.follow(try await backend.events(vm: vm), global)
        }
    }
}
