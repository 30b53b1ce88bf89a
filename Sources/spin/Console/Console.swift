import ArgumentParser
import Foundation
import SpinCore

/// `spin console ID`: the VM's serial console, interactive or as a log.
struct Console: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Attach the terminal to a VM's serial console (Ctrl-] detaches), or print its log.",
        discussion: """
            The terminal is put in raw mode and restored on every exit. With --log, prints the \
            serial log kept across runs; --follow keeps printing as it grows (Ctrl-C stops).
            Example: spin console web
            Example: spin console web --log --follow
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Flag(help: "Print the serial log instead of attaching.") var log = false
    @Flag(help: "With --log: keep printing new output.") var follow = false

    func validate() throws {
        if follow && !log { throw ValidationError("--follow goes with --log") }
    }

    func run() async throws {
        if log {
            try await global.withReader { backend in
                try await SerialLogPrinter(backend: backend, vm: vm).print(follow: follow)
            }
            return
        }
        if global.isRemote { return try await runRemote() }
        let (record, paths) = try await global.withSpin(agents: false, readOnly: true) { spin in
            let record = try await spin.vm(vm)
            return await (record, try spin.paths(String(record.id)))
        }
        let socket: Int32
        do {
            socket = try UnixStream.connect(path: paths.serialSocket)
        } catch {
            throw SpinError(.failedPrecondition, "VM \(record.id) (\(record.name)) is not running, so it has no console; start it with spin start \(record.name), or read its log with spin console \(record.name) --log")
        }
        defer { close(socket) }
        Output.error("connected to the serial console of VM \(record.id) (\(record.name)); press Ctrl-] to detach")
        try ConsoleSession(socket: socket).run()
        Output.error("\r\ndetached from VM \(record.id) (\(record.name))")
    }
}
