import ArgumentParser
import Foundation
import SpinCore

/// `spin-server setup`: prepares a host to run qemu unprivileged under a root server.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Create the unprivileged user qemu runs as when spin runs as root (idempotent).",
        discussion: """
            As root, spin never runs qemu as root: each VM's qemu runs as this user, which gets
            exactly its VM's files. Run once per host, before the first VM starts.
            Example: sudo spin-server setup
            """)

    @Option(name: .customLong("qemu-user"), help: "The user to create (default: $SPIN_QEMU_USER, else spin-qemu).")
    var qemuUser: String?

    func run() async throws {
        let name = qemuUser ?? ProcessInfo.processInfo.environment["SPIN_QEMU_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? QemuUser.defaultName
        do {
            for line in try await QemuUserSetup(name: name).run() { print("setup: " + line) }
        } catch let error as SpinError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.code.exitCode)
        }
    }
}
