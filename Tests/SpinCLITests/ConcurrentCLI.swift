import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Which supervisor the `spin` processes of a test pick (through their environment).
enum CLISupervisor: String, CaseIterable, Sendable, CustomStringConvertible {
    case direct
    case systemd
    var description: String { rawValue }
}

/// A temporary root driven by many `spin` processes under one supervisor, with the checks
/// every concurrency test ends with: how many qemu processes each VM has, and whether status
/// agrees with them.
struct ConcurrentCLI: Sendable {
    let cli: CLI
    /// The variables that make a child pick the supervisor.
    let environment: [String: String]
    let kind: CLISupervisor

    /// Runs `body` with a fresh root (and, for systemd, a private user manager); afterwards
    /// kills every qemu of the root's VMs, whatever happened.
    static func with(_ kind: CLISupervisor, _ body: (ConcurrentCLI) async throws -> Void) async throws {
        try await CLI.with { cli in
            switch kind {
            case .direct:
                let harness = ConcurrentCLI(cli: cli, environment: ["XDG_RUNTIME_DIR": ""], kind: kind)
                defer { harness.killEverything() }
                try await body(harness)
            case .systemd:
                try await withPrivateSystemdManager { manager in
                    let harness = ConcurrentCLI(cli: cli, environment: ["XDG_RUNTIME_DIR": manager.runtimeDirectory, "HOME": manager.home], kind: kind)
                    defer { harness.killEverything() }
                    try await body(harness)
                }
            }
        }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> CLI.Result { try cli.run(arguments, environment: environment) }

    @discardableResult
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "spin \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func spawn(_ arguments: [String]) throws -> RunningCLI { try cli.spawn(arguments, environment: environment) }

    func concurrently(_ commands: [[String]]) throws -> [CLI.Result] { try cli.concurrently(commands, environment: environment) }

    /// The VM's runtime directory (the same in this process as in the children: root's is
    /// under /run, another user's under the same XDG_RUNTIME_DIR rule).
    func runtimeDirectory(_ id: UInt64) -> String {
        RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: id, environment: environment).runtimeDirectory
    }

    /// The live qemu processes of VM `id`.
    func qemuPIDs(_ id: UInt64) -> [Int32] { QemuProcesses.pids(runtimeDirectory: runtimeDirectory(id)) }

    /// Every VM as `spin vm list --format json` reports it: (id, name, state, pid, disk paths).
    func vms() throws -> [(id: UInt64, name: String, state: String, pid: Int?, disks: [String])] {
        let result = try run(["vm", "list", "--format", "json"])
        guard result.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw HarnessError("spin vm list failed: \(result)")
        }
        let volumes = try self.volumes()
        return rows.compactMap { row in
            guard let vm = row["vm"] as? [String: Any], let id = vm["id"] as? Int, let name = vm["name"] as? String else { return nil }
            let status = row["status"] as? [String: Any]
            let disks = (vm["storage"] as? [[String: Any]] ?? []).compactMap { drive -> String? in
                guard let volume = drive["volume"] as? String, let image = drive["image"] as? String, let path = volumes[volume] else { return nil }
                return path + "/" + image
            }
            return (UInt64(id), name, status?["state"] as? String ?? "?", (status?["process"] as? [String: Any])?["pid"] as? Int, disks)
        }
    }

    /// Volume name → directory.
    func volumes() throws -> [String: String] {
        let result = try run(["volume", "list", "--format", "json"])
        guard result.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw HarnessError("spin volume list failed: \(result)")
        }
        var volumes: [String: String] = [:]
        for row in rows { if let name = row["name"] as? String, let path = row["path"] as? String { volumes[name] = path } }
        return volumes
    }

    /// The invariants after any race or kill: at most one qemu per VM, status agrees with the
    /// processes, every VM's disk file exists, and every image file in a volume has a record.
    func checkInvariants(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for vm in try vms() {
            let pids = qemuPIDs(vm.id)
            #expect(pids.count <= 1, "\(context): VM \(vm.name) has \(pids.count) qemu processes \(pids)", sourceLocation: sourceLocation)
            for pid in pids where geteuid() == 0 {
                // spin is root here: every qemu, whoever started it, runs as the qemu user.
                let uids = QemuProcesses.uids(of: pid) ?? []
                #expect(!uids.isEmpty && !uids.contains(0), "\(context): VM \(vm.name)'s qemu \(pid) runs with uids \(uids)", sourceLocation: sourceLocation)
            }
            let live = ["running", "paused", "starting", "shutting-down", "internal-error"].contains(vm.state)
            #expect(live == !pids.isEmpty, "\(context): VM \(vm.name) is \(vm.state) with qemu \(pids)", sourceLocation: sourceLocation)
            if let pid = vm.pid, let only = pids.first, pids.count == 1 {
                #expect(Int32(pid) == only, "\(context): VM \(vm.name) reports pid \(pid), qemu is \(only)", sourceLocation: sourceLocation)
            }
            for disk in vm.disks {
                #expect(FileManager.default.fileExists(atPath: disk), "\(context): VM \(vm.name)'s disk \(disk) is missing", sourceLocation: sourceLocation)
            }
        }
        let images = try run(["image", "list", "--format", "json"])
        let records = Set(((try? JSONSerialization.jsonObject(with: Data(images.stdout.utf8))) as? [[String: Any]] ?? []).compactMap { row -> String? in
            guard let volume = row["volume"] as? String, let name = row["name"] as? String else { return nil }
            return volume + "/" + name
        })
        for (volume, path) in try volumes() {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !file.hasPrefix(".") {
                #expect(records.contains(volume + "/" + file), "\(context): \(path)/\(file) has no image record", sourceLocation: sourceLocation)
            }
        }
    }

    /// Kills every qemu of VMs 1…64 of this root (those the test made) and removes their
    /// runtime directories.
    func killEverything() {
        for id in UInt64(1)...64 {
            let directory = runtimeDirectory(id)
            QemuProcesses.killAll(runtimeDirectory: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
