import ArgumentParser
import SpinCore

/// The `spin` command line: a thin adapter over the SpinCore SDK.
///
/// Embedded by default: it opens the store under the data root and runs the agents it needs
/// in this process, so no server is required. With `--host` the same commands go to a spin
/// server (``SpinService``).
@main
struct SpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin",
        abstract: "Manage QEMU virtual machines on this host or through a spin server.",
        discussion: """
            spin works on this host directly: it opens the store under --root ($SPIN_ROOT, else \
            /var/lib/spin as root, else ~/.config/spin) and runs what it needs in-process. With --host ($SPIN_HOST) every \
            command goes to a spin server instead (spin serve runs one). VM arguments accept an \
            id or a name.
            Example: spin vm create web vol1 --cdrom /srv/iso/debian.iso && spin start web
            """,
        version: SpinVersion.current,
        subcommands: [
            VMCommand.self, SnapshotCommand.self, VMStart.self, VMStop.self, VMShutdown.self, VMRestart.self, VMPause.self, VMResume.self,
            Exec.self, SSH.self, Console.self, View.self, Events.self,
            VolumeCommand.self, NetworkCommand.self, ImageCommand.self, PackageCommand.self, QMPCommand.self,
            Doctor.self, StoreCommand.self, Serve.self,
        ]
    )

    /// Parses, runs, and maps every error to its documented exit code.
    static func main() async {
        CLILogging.bootstrap(debug: CommandLine.arguments.contains("--debug"))
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ErrorReport.exit(with: error)
        }
    }
}
