import Foundation
import SpinQemu

extension NetworkAgent {
    /// The argument that names the network's configuration: how its dnsmasq is recognized.
    static func configArgument(_ paths: NetworkPaths) -> String { "--conf-file=" + paths.config }

    /// The dnsmasq its pidfile names, when that process is alive and is this network's (it
    /// writes the file once it serves).
    func servingDnsmasq(paths: NetworkPaths) -> pid_t? {
        guard let text = try? String(contentsOfFile: paths.pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            ProcessIdentity.current(pid: pid) != nil,
            ProcessIdentity.arguments(pid: pid)?.contains(Self.configArgument(paths)) == true
        else { return nil }
        return pid
    }

    /// The pid of the network's running dnsmasq: the pid in its pidfile, accepted only when
    /// that live process's command line names this network's configuration file (a reused pid
    /// is never mistaken for it); else found by scanning `/proc` for that argument.
    func runningDnsmasq(paths: NetworkPaths) -> pid_t? {
        let argument = Self.configArgument(paths)
        if let pid = servingDnsmasq(paths: paths) { return pid }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), ProcessIdentity.arguments(pid: pid)?.contains(argument) == true,
                ProcessIdentity.current(pid: pid) != nil else { continue }
            return pid
        }
        return nil
    }

    /// Writes the configuration; starts dnsmasq when none runs, restarts it when its
    /// configuration changed, else makes it re-read the reservations.
    func ensureDnsmasq(_ network: Network, paths: NetworkPaths) async throws {
        guard FileManager.default.isExecutableFile(atPath: dnsmasq) else {
            throw SpinError(.unavailable, "\(dnsmasq) is missing; install dnsmasq-base (scripts/install-deps)")
        }
        let user = getpwnam(Self.dnsmasqUser) != nil ? Self.dnsmasqUser : nil
        let group = getgrnam("nogroup") != nil ? "nogroup" : nil
        let config = DnsmasqConfig.configuration(network, paths: paths, user: user, group: group)
        let changed = FileManager.default.contents(atPath: paths.config) != Data(config.utf8)
        try writeFile(paths.config, config)
        if let units {
            try await units.ensure(network: network.name, paths: paths, dnsmasq: dnsmasq, restart: changed) {
                try await stopDnsmasq(paths: paths)
            }
            try await waitForDnsmasq(network, paths: paths)
            return
        }
        if let pid = runningDnsmasq(paths: paths) {
            guard changed else {
                kill(pid, SIGHUP)
                return
            }
            try await stop(pid: pid)
        }
        unlink(paths.pidFile)
        let pid = try ProcessRunner.spawnDetached(dnsmasq, [Self.configArgument(paths)], logPath: paths.log)
        // dnsmasq's first process exits once the daemon is set up (or failed to).
        let termination = try await ProcessRunner.waitForExit(pid: pid)
        guard termination == .exited(0) else {
            let log = (try? String(contentsOfFile: paths.log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw SpinError(.actionFailed, "dnsmasq for network \(quoted(network.name)) did not start (\(termination)): \(log.split(separator: "\n").last.map(String.init) ?? "see \(paths.log)")")
        }
        guard runningDnsmasq(paths: paths) != nil else {
            throw SpinError(.actionFailed, "dnsmasq for network \(quoted(network.name)) started but is not running; see \(paths.log)")
        }
    }

    /// Waits (up to 10 s) until the unit's dnsmasq has written its pidfile, which it does
    /// once it serves.
    private func waitForDnsmasq(_ network: Network, paths: NetworkPaths) async throws {
        // The pidfile, not the process: a dnsmasq that systemd has just forked is in /proc
        // before it serves, and writes its pidfile once it does.
        for _ in 0..<400 {
            if servingDnsmasq(paths: paths) != nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        let log = (try? String(contentsOfFile: paths.log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        throw SpinError(.actionFailed, "dnsmasq for network \(quoted(network.name)) did not come up under systemd: \(log.split(separator: "\n").last.map(String.init) ?? "see \(paths.log)")")
    }

    /// Whether the network's dnsmasq runs now (its pidfile checked against `/proc`) and,
    /// under systemd, what its unit's state is. Looks only: starts nothing.
    public func dnsmasqStatus(of network: Network) async -> NetworkDaemonStatus {
        let pid = runningDnsmasq(paths: NetworkPaths(root: root, name: network.name))
        guard let units else { return NetworkDaemonStatus(running: pid != nil, pid: pid, supervisor: "direct") }
        let unit = DnsmasqUnits.unitName(network: network.name)
        let state = await units.state(network: network.name)
        return NetworkDaemonStatus(running: pid != nil, pid: pid, supervisor: "systemd \(unit)" + (state.map { " \($0)" } ?? ""))
    }

    /// Stops the network's dnsmasq if it runs.
    func stopDnsmasq(paths: NetworkPaths) async throws {
        while let pid = runningDnsmasq(paths: paths) { try await stop(pid: pid) }
    }

    /// SIGTERM, then SIGKILL after 5 s; returns once the process is gone.
    func stop(pid: pid_t) async throws {
        guard let identity = ProcessIdentity.current(pid: pid) else { return }
        kill(pid, SIGTERM)
        for attempt in 0..<250 {
            guard identity.isAlive else { return }
            if attempt == 200 { kill(pid, SIGKILL) }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw SpinError(.actionFailed, "dnsmasq (pid \(pid)) did not exit after SIGTERM and SIGKILL")
    }
}
