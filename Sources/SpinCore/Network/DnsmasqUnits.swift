import Foundation

/// Networks' dnsmasq processes as systemd services, one per network,
/// `spin-net-<name>.service`: dnsmasq in the foreground (`--keep-in-foreground`, still writing
/// its pidfile), restarted by systemd one second after it dies uncleanly (`Restart=on-failure`).
/// Used by the ``NetworkAgent`` when the VMs' supervisor is systemd; the unit is started in the
/// manager's own network namespace, which must be the agent's.
public struct DnsmasqUnits: Sendable {
    /// The manager's connection.
    public let manager: SystemdManager
    /// Where unit files go.
    public let unitDirectory: String
    /// The data root (its path tags each unit, as for VMs).
    public let root: SpinRoot

    /// Creates the units' driver.
    public init(manager: SystemdManager, unitDirectory: String, root: SpinRoot) {
        self.manager = manager
        self.unitDirectory = unitDirectory
        self.root = root
    }

    /// `spin-net-<name>.service` (network names are letters, digits, `_` and `-`).
    public static func unitName(network: String) -> String { "spin-net-\(network).service" }

    /// The unit of `network`'s dnsmasq (pure, for tests).
    public static func unitFile(network: String, paths: NetworkPaths, dnsmasq: String, root: SpinRoot) -> UnitFile {
        var unit = UnitFile(
            name: unitName(network: network), description: "spin network \(network) dnsmasq \(SystemdSupervisor.ownerTag(root))",
            execStart: [dnsmasq, "--keep-in-foreground", NetworkAgent.configArgument(paths)], logFile: paths.log)
        unit.restart = .onFailure
        return unit
    }

    /// Writes the unit (reloading the manager when it changed) and starts it unless it is
    /// active; restarts it when `restart` (its configuration changed). `stopUnsupervised`
    /// runs first when the unit is not active: a dnsmasq started without systemd holds the
    /// bridge's DHCP and DNS ports.
    func ensure(network: String, paths: NetworkPaths, dnsmasq: String, restart: Bool, stopUnsupervised: () async throws -> Void) async throws {
        let name = Self.unitName(network: network)
        try SystemdSupervisor.checkOwnership(unitDirectory + "/" + name, root: root)
        if try UnitFileWriter.write(Self.unitFile(network: network, paths: paths, dnsmasq: dnsmasq, root: root), to: unitDirectory) {
            try await manager.reload()
        }
        let state = (try? await manager.status(of: name))?.activeState
        if state == "active" || state == "activating" || state == "reloading" {
            guard restart else { return }
            try check(try await manager.restartUnit(name, timeout: .seconds(30)), name, log: paths.log)
            return
        }
        try await stopUnsupervised()
        try? await manager.resetFailedUnit(name)
        try check(try await manager.startUnit(name, timeout: .seconds(30)), name, log: paths.log)
    }

    /// Stops the unit and removes its file; what is already gone is skipped.
    func remove(network: String) async throws {
        let name = Self.unitName(network: network)
        guard FileManager.default.fileExists(atPath: unitDirectory + "/" + name) else { return }
        try SystemdSupervisor.checkOwnership(unitDirectory + "/" + name, root: root)
        _ = try await manager.stopUnit(name, timeout: .seconds(30))
        try? await manager.resetFailedUnit(name)
        if try UnitFileWriter.remove(name, from: unitDirectory) { try await manager.reload() }
    }

    /// The unit's state as systemd reports it (`active/running`, `activating/auto-restart`, …),
    /// nil when the manager cannot be asked.
    func state(network: String) async -> String? {
        guard let status = try? await manager.status(of: Self.unitName(network: network)) else { return nil }
        return "\(status.activeState)/\(status.subState)"
    }

    private func check(_ result: JobResult, _ name: String, log: String) throws {
        guard result.isDone else {
            throw SpinError(.actionFailed, "systemd could not start \(name): job \(result.rawValue); see \(log)")
        }
    }
}
