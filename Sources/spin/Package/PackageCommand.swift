import ArgumentParser
import SpinCore

/// `spin package …`: build and follow packages of broker commands by hand.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Build, enqueue and follow packages of broker commands by hand.",
        discussion: """
            A package runs once enqueued, while some spin process serves the queues: \
            `spin package status PKG --wait` does, as does any command that changes things.
            Example: spin package new && spin package add 1 storage add_volume volumePath=/var/tmp/v
            """,
        subcommands: [PackageNew.self, PackageAdd.self, PackageEnqueue.self, PackageStatusCommand.self, PackageComplete.self]
    )

    /// A package's commands as a table under a summary line.
    static func text(_ status: PackageStatus) -> String {
        var summary = "package \(status.package.id): \(status.package.state.rawValue)"
        if let failure = status.package.failure { summary += " (\(failure.action): \(failure.reason))" }
        let table = Table(headers: ["command", "resource", "action", "state", "reason"], rows: status.commands.map {
            [$0.id.uuidString.lowercased(), $0.resource, $0.action, $0.state.rawValue, $0.reason ?? "-"]
        })
        return summary + "\n" + table.render()
    }
}
