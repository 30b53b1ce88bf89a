import ArgumentParser
import SpinCore

/// The `spin` command line: a thin adapter over the SpinCore SDK.
@main
struct SpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin",
        abstract: "Manage QEMU virtual machines on this host, supervised by systemd.",
        version: SpinVersion.current,
        subcommands: [StoreCommand.self, QMPCommand.self]
    )
}
