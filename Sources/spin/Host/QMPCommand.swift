import ArgumentParser
import Foundation
import SpinCore
import SpinQemu

/// `spin qmp …`: talk to a VM's QEMU monitor directly.
struct QMPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qmp",
        abstract: "Talk to a VM's QEMU monitor (QMP) directly.",
        discussion: "Example: spin qmp shutdown 1 --timeout 30",
        subcommands: [QMPShutdown.self, QMPRaw.self]
    )

    /// QMP is a unix socket beside the VM's qemu: there is nothing to reach through a server.
    static func refuseRemote(_ global: GlobalOptions) throws {
        try global.requireLocal(
            "spin qmp", why: "QMP is a unix socket next to the VM's qemu process",
            instead: "run spin qmp on the server's host without --host, or use spin start/stop/shutdown --host for power actions")
    }
}

/// `spin qmp shutdown ID`: ACPI power-off, then wait; what systemd units run as ExecStop.
struct QMPShutdown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shutdown",
        abstract: "Ask the guest to power off through QMP and wait for it.",
        discussion: """
            Exits 0 once the guest powered off (or qemu is already gone), 6 when the timeout \
            passes first. It reads only the VM's runtime directory, never the store, so it works \
            while other spin processes hold the store.
            Example: spin qmp shutdown 1 --timeout 30
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id.") var id: UInt64
    @Option(help: "Seconds to wait for the guest.") var timeout: Int = 30

    func run() async throws {
        try QMPCommand.refuseRemote(global)
        let paths = RuntimePaths(root: global.spinRoot, vmID: id)
        // A socket that refuses belongs to a qemu that is gone (systemd runs ExecStop after
        // qemu exits, too): give up at once rather than hold the unit in `deactivating`.
        guard let client = try? await QMPClient.connect(path: paths.qmpSocket, retryFor: .milliseconds(20)) else {
            return  // qemu is not running: nothing to power off.
        }
        defer { client.close() }
        if try await client.shutdown(timeout: .seconds(timeout)) {
            await client.waitForDisconnect()
            return
        }
        throw ExitCode(SpinError.Code.timeout.exitCode)
    }
}

/// `spin qmp raw ID`: JSON lines in, JSON out.
struct QMPRaw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "Send QMP commands as JSON lines from standard input; print each reply.",
        discussion: #"Example: echo '{"execute":"query-status"}' | spin qmp raw 1"#
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String

    func run() async throws {
        try QMPCommand.refuseRemote(global)
        let id: UInt64
        if let number = UInt64(vm) {
            id = number
        } else {
            id = try await global.withSpin(agents: false, readOnly: true) { spin in try await spin.vm(vm).id }
        }
        let paths = RuntimePaths(root: global.spinRoot, vmID: id)
        let client: QMPClient
        do {
            client = try await QMPClient.connect(path: paths.qmpSocket, retryFor: .milliseconds(500))
        } catch {
            throw SpinError(.failedPrecondition, "VM \(id) is not running (no QMP socket at \(paths.qmpSocket)); start it with spin start \(id)")
        }
        defer { client.close() }
        while let line = readLine() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            print(try await client.raw(line: trimmed))
        }
    }
}
