import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("spin with a real guest", .serialized)
struct LifecycleCLITests {
    @Test("create, start, console log and interactive console, HTTP through the forward, shutdown, restart, stop, delete")
    func fullLifecycle() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            defer { Self.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            let port = try Loopback.freePort()
            let id = try cli.ok(["vm", "create", "web", "vol", "-c", "1", "-m", "256", "-s", "64M", "-p", "80:127.0.0.1:\(port)", "--cdrom", guests.iso])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id == "1")

            let started = try #require(try cli.json(["start", "web"]) as? [String: Any])
            #expect((started["status"] as? [String: Any])?["state"] as? String == "running")
            let ready = await Loopback.waitUntil(timeout: .seconds(90), every: .milliseconds(250)) {
                ((try? cli.run(["console", "web", "--log"]))?.stdout ?? "").contains(TestGuests.readyMarker)
            }
            #expect(ready, "no ready line: \((try? cli.run(["console", "web", "--log"]))?.stdout ?? "")")

            var page: String?
            _ = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(250)) {
                page = Loopback.httpGet(port: port, path: "/")
                return page?.contains("200") == true
            }
            #expect(page?.contains("spin test guest") == true, "HTTP through the forward: \(page ?? "no answer")")
            #expect(try cli.ok(["vm", "list"]).contains("running"))

            if let transcript = try await TmuxConsole.run(cli: cli, vm: "web", typing: "echo hello-from-console") {
                #expect(transcript.contains("hello-from-console\r\n") || transcript.split(separator: "\n").contains { $0.hasPrefix("hello-from-console") },
                        "console transcript:\n\(transcript)")
                #expect(transcript.contains("detached from VM 1"), "console transcript:\n\(transcript)")
                #expect(transcript.contains("CONSOLE-EXIT-0"), "console transcript:\n\(transcript)")
            }

            let down = try #require(try cli.json(["shutdown", "web"]) as? [String: Any])
            #expect((down["status"] as? [String: Any])?["state"] as? String == "stopped")
            try cli.ok(["start", "1"])
            try cli.ok(["restart", "1", "--timeout", "2"])
            #expect(try cli.ok(["vm", "get", "1"]).contains("running"))
            let stopped = try #require(try cli.json(["stop", "1", "--timeout", "2"]) as? [String: Any])
            #expect((stopped["status"] as? [String: Any])?["state"] as? String == "stopped")
            try cli.ok(["stop", "1"])

            // A host port taken by another program: start fails (exit 1) and nothing runs.
            let blocker = try Listener(port: port)
            let refused = try cli.fails(["start", "web"], 1)
            #expect(refused.contains("\(port)"))
            blocker.close()
            let after = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            let state = (after["status"] as? [String: Any])?["state"] as? String
            #expect(state == "stopped" || state == "crashed", "after a failed start: \(after)")

            try cli.ok(["vm", "delete", "web"])
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)
        }
    }

    /// Stops every VM left (forced after 1 s), SIGKILLs any qemu still alive, removes sockets.
    static func cleanUp(_ cli: CLI) {
        let root = SpinRoot(explicit: cli.root)
        guard let list = try? cli.run(["vm", "list", "--format", "json"]),
            let rows = try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        else { return }
        for row in rows {
            guard let vm = row["vm"] as? [String: Any], let id = vm["id"] as? Int else { continue }
            let pid = ((row["status"] as? [String: Any])?["process"] as? [String: Any])?["pid"] as? Int
            _ = try? cli.run(["stop", String(id), "--timeout", "1"])
            if let pid, kill(Int32(pid), 0) == 0 { kill(Int32(pid), SIGKILL) }
            try? FileManager.default.removeItem(atPath: RuntimePaths(root: root, vmID: UInt64(id)).runtimeDirectory)
        }
        FileShareProcesses.killAll(root: cli.root)
    }
}
