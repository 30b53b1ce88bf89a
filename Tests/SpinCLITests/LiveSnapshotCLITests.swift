import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// `spin snapshot` on a running busybox guest (no guest agent: disk-only snapshots pause the
/// CPUs) with two qcow2 disks, and through `--host`.
@Suite("spin snapshot on running VMs and through a server", .serialized)
struct LiveSnapshotCLITests {
    @Test("running, two disks: disk-only and --memory snapshots on both, list while running, memory revert keeps it running, delete through QMP; a create killed midway is finished or undone")
    func runningVM() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)
            try cli.ok(["vm", "image", "attach", "web", "--volume", "vol", "--image", "data.qcow2", "--size", "32M"])
            let files = [cli.root + "/images/vol/web.qcow2", cli.root + "/images/vol/data.qcow2"]
            try cli.ok(["start", "web"])

            try cli.ok(["snapshot", "create", "web", "disks"])
            let memory = try #require(try cli.json(["snapshot", "create", "web", "mem", "--memory"]) as? [String: Any])
            let disks = try #require(memory["disks"] as? [[String: Any]])
            #expect(disks.count == 2 && disks.first?["vmStateBytes"] as? Int ?? 0 > 0 && disks.last?["vmStateBytes"] as? Int == 0, "\(disks)")
            for file in files { #expect(try SnapshotCLITests.held(file) == ["disks", "mem"], "\(file)") }
            let listed = try #require(try cli.json(["snapshot", "list", "web"]) as? [[String: Any]])
            #expect(listed.map { $0["name"] as? String } == ["disks", "mem"] && listed.allSatisfy { $0["missingDisks"] == nil }, "\(listed)")
            #expect((try cli.json(["vm", "get", "web"]) as? [String: Any]).flatMap { ($0["status"] as? [String: Any])?["state"] as? String } == "running")

            try cli.ok(["snapshot", "revert", "web", "mem"])
            #expect((try cli.json(["vm", "get", "web"]) as? [String: Any]).flatMap { ($0["status"] as? [String: Any])?["state"] as? String } == "running")
            #expect(try cli.fails(["snapshot", "revert", "web", "disks"], 5).contains("stop the VM"))

            // SIGKILL during running creates (memory ones take longest), then recovery.
            for round in 0..<4 {
                let name = "k\(round)"
                let running = try cli.spawn(["snapshot", "create", "web", name, "--memory"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...400)))
                running.kill()
                _ = running.wait()
                var id = 1
                while let status = try? cli.run(["package", "status", String(id), "--wait", "--timeout", "120", "--format", "json"]), status.status != 3 {
                    id += 1
                }
                let records = try #require(try cli.json(["snapshot", "list", "web"]) as? [[String: Any]])
                let record = records.first { $0["name"] as? String == name }
                for file in files {
                    let count = try SnapshotCLITests.held(file).filter { $0 == name }.count
                    #expect(count == (record == nil ? 0 : 1), "round \(round): record \(String(describing: record)), \(file) holds it \(count)×")
                }
                #expect(record == nil || record?["state"] as? String == "ready", "\(String(describing: record))")
            }

            for name in ["disks", "mem"] { try cli.ok(["snapshot", "delete", "web", name]) }
            for file in files { #expect(try !SnapshotCLITests.held(file).contains { $0 == "disks" || $0 == "mem" }, "\(file)") }
            try cli.ok(["stop", "web", "--timeout", "0"])
        }
    }

    @Test("a running UEFI VM: disk-only and memory snapshots include the variable store (pflash), and a memory revert works")
    func runningUEFI() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "--firmware", "uefi"] + guests.directBootOptions)
            try cli.ok(["start", "web"])
            let variables = cli.root + "/vms/1/efivars.qcow2"
            try cli.ok(["snapshot", "create", "web", "disks"])
            let memory = try #require(try cli.json(["snapshot", "create", "web", "mem", "--memory"]) as? [String: Any])
            #expect(((memory["disks"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["vol/web.qcow2", "efivars"], "\(memory)")
            #expect(try SnapshotCLITests.held(variables) == ["disks", "mem"])
            try cli.ok(["snapshot", "revert", "web", "mem"])
            #expect(try cli.ok(["snapshot", "list", "web"]).contains("mem"))
            try cli.ok(["stop", "web", "--timeout", "0"])
            try cli.ok(["snapshot", "revert", "web", "disks"])
            try cli.ok(["snapshot", "delete", "web", "mem"])
            #expect(try SnapshotCLITests.held(variables) == ["disks"])
        }
    }

    @Test("through --host: the same commands, output and exit codes as embedded")
    func remote() async throws {
        try await CLI.with { cli in
            let socket = cli.root + "/spin.sock"
            let files = try SnapshotCLITests.makeVM(cli)
            let server = try await ChildProcess.server(cli, host: socket)
            defer { server.stop() }
            let host = ["--host", socket]
            let created = try #require(try cli.json(["snapshot", "create", "web", "s1"] + host) as? [String: Any])
            #expect(created["state"] as? String == "ready")
            for file in files { #expect(try SnapshotCLITests.held(file) == ["s1"]) }
            #expect(try cli.ok(["snapshot", "list", "web"] + host).contains("s1"))
            #expect(try cli.fails(["snapshot", "create", "web", "s1"] + host, 4).contains("already has a snapshot"))
            try cli.fails(["snapshot", "create", "web", "9"] + host, 64)
            try cli.fails(["snapshot", "revert", "web", "nope"] + host, 3)
            try cli.ok(["snapshot", "revert", "web", "s1"] + host)
            try cli.ok(["snapshot", "delete", "web", "s1"] + host)
            for file in files { #expect(try SnapshotCLITests.held(file).isEmpty) }
        }
    }
}
