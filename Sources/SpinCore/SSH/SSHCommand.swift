/// The `ssh` command line `spin ssh` runs (pure, for tests): the VM's forwarded port on
/// 127.0.0.1, the data root's key only, and a known-hosts file of the VM's own that learns the
/// guest's host key at the first login (`StrictHostKeyChecking=accept-new`) and refuses a
/// changed one after.
public struct SSHCommand: Sendable, Equatable {
    /// The user to log in as.
    public var user: String
    /// The host port forwarded to the guest's port 22.
    public var port: Int
    /// The private key (``SSHKeyPair/privateKey``).
    public var identity: String
    /// The VM's known-hosts file (``RuntimePaths/knownHosts``).
    public var knownHosts: String
    /// The host to connect to: the forward's address (`127.0.0.1`; a wildcard forward is
    /// reached on loopback).
    public var host: String
    /// A command to run instead of a login shell; ssh joins its words with spaces for the
    /// guest's shell.
    public var command: [String]

    /// Creates a command.
    public init(user: String, port: Int, identity: String, knownHosts: String, host: String = "127.0.0.1", command: [String] = []) {
        self.user = user
        self.port = port
        self.identity = identity
        self.knownHosts = knownHosts
        self.host = host
        self.command = command
    }

    /// `ssh`'s argv, starting with `ssh`. ssh stops reading options at `user@host` (which
    /// never starts with `-`: user names start with a letter or `_`), so the command's words
    /// follow it as they are. `LogLevel=ERROR` keeps ssh's note about adding the host key at
    /// the first login off stderr.
    public var arguments: [String] {
        ["ssh", "-p", String(port), "-i", identity,
         "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=accept-new",
         "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", user + "@" + host] + command
    }
}
