import ArgumentParser
import Foundation
import SpinCore
import SpinServer

/// `spin-server unit`: prints the systemd unit that runs this binary as a service.
struct UnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Print the systemd unit that runs this server as a service.",
        discussion: """
            Example: spin-server unit > /etc/systemd/system/spin-server.service
            Example: spin-server unit --user --listen 127.0.0.1:8080 > ~/.config/systemd/user/spin-server.service
            """)

    @OptionGroup var options: RootOptions

    @Flag(name: .long, help: "For a user's systemd manager (default: the system manager).")
    var user = false

    @Option(name: .long, help: "The spin-server binary the unit runs (default: this one).")
    var executable: String?

    @Option(name: .long, help: "Listen on TCP HOST:PORT (the token is read from the root).")
    var listen: String?

    func run() async throws {
        let binary = try executable ?? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let unit = ServerServiceUnit(
            manager: user ? .user : .system, executable: binary, root: options.root.map { SpinRoot(explicit: $0).path },
            arguments: listen.map { ["--listen", $0] } ?? [])
        do {
            print(try unit.rendered(), terminator: "")
        } catch {
            throw ValidationError(error.message)
        }
    }
}
