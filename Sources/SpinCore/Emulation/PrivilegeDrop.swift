import Foundation

/// How the direct supervisor starts qemu as its unprivileged user when spin is root: through
/// util-linux's `setpriv`, which sets the real, effective and saved uid and gid and the
/// supplementary groups, and turns on no-new-privileges before it executes qemu — so qemu
/// opens every file (images, CD-ROMs, sockets) with that user's rights from its first
/// instruction, and the kernel, not spin, enforces what it can reach.
struct PrivilegeDrop {
    /// The user to become; nil (or spin's own user): qemu is started as it is.
    let user: QemuUser?

    /// Where `setpriv` is looked for.
    static let candidates = ["/usr/bin/setpriv", "/bin/setpriv"]

    /// The command that runs `executable arguments` as the user.
    /// - Throws: ``SpinError`` `.unavailable` when `setpriv` is missing.
    func command(_ executable: String, _ arguments: [String]) throws(SpinError) -> (executable: String, arguments: [String]) {
        guard let user, user.isOtherUser else { return (executable, arguments) }
        guard let setpriv = Self.candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw SpinError(.unavailable, "spin runs as root and starts qemu as \(user.name) through setpriv, which is missing; install util-linux (apt-get install util-linux)")
        }
        let extra = user.groups.filter { $0 != user.gid }
        let groups = extra.isEmpty ? ["--clear-groups"] : ["--groups=" + extra.map(String.init).joined(separator: ",")]
        return (setpriv, ["--reuid=\(user.uid)", "--regid=\(user.gid)"] + groups + ["--no-new-privs", "--inh-caps=-all", "--", executable] + arguments)
    }
}
