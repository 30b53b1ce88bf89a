import ArgumentParser
import Foundation
import SpinCore
#if canImport(Glibc)
import Glibc
#endif

/// `spin ssh VM [-- CMD…]`: log in to a cloud-init VM with the data root's key.
struct SSH: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh",
        abstract: "Log in to a VM over SSH (or run a command there) with the spin root's key.",
        discussion: """
            Runs ssh (replacing spin) to the VM's forward of a 127.0.0.1 port to its port 22 \
            (made by vm create --from or --seed), as its cloud-init user, with the key pair in \
            ROOT/ssh, a known-hosts file of the VM's own (ROOT/vms/ID/known_hosts, the host \
            key accepted at the first login and checked after) and only that key. Works on the \
            VM's host only: with --host, log in to that host and run spin ssh there. It first \
            waits (--wait, 300 s) until the guest's SSH server answers, so spin start web && \
            spin ssh web works while the guest boots.
            Example: spin ssh web
            Example: spin ssh web -- uname -a
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(name: [.customShort("l"), .long], help: "Log in as this user (default: the VM's cloud-init user).") var user: String?
    @Option(help: "Seconds to wait for the guest's SSH server to answer (a VM just started is still booting); 0: do not wait.") var wait = 300
    @Argument(parsing: .postTerminator, help: "A command to run instead of a login shell, after --.") var command: [String] = []

    func run() async throws {
        try global.requireLocal(
            "spin ssh", why: "the VM's SSH forward listens on 127.0.0.1 of its host, and the key is in that host's spin root",
            instead: "log in to that host and run spin ssh \(vm) there")
        let (ssh, state) = try await global.withSpin(agents: false, readOnly: true) { spin in
            (try await spin.sshCommand(vm, user: user, command: command), try await spin.status(vm).state)
        }
        guard state == .running else {
            throw SpinError(.failedPrecondition, "VM \(vm) is \(state.rawValue); start it with spin start \(vm)")
        }
        if wait > 0, !(await SSHReadiness.wait(host: ssh.host, port: ssh.port, timeout: .seconds(wait))) {
            throw SpinError(.timeout, "VM \(vm)'s SSH server did not answer on \(ssh.host):\(ssh.port) within \(wait) s; is the guest still booting, or without sshd? See spin console \(vm) --log")
        }
        try Self.replaceProcess(with: ssh.arguments)
    }

    /// `execvp`: ssh takes over this process (its terminal, its exit code).
    static func replaceProcess(with arguments: [String]) throws -> Never {
        fflush(nil)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execvp(arguments[0], &argv)
        let reason = String(cString: strerror(errno))
        throw SpinError(.unavailable, "cannot run \(arguments[0]): \(reason); install it with apt-get install openssh-client")
    }
}
