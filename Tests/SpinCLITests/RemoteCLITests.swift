import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// The `spin` CLI with `--host` against a real `spin serve` child: the same commands, the same
/// output, the same errors and exit codes as embedded.
@Suite("spin --host against a running server", .serialized)
struct RemoteCLITests {
    @Test("over the unix socket: volume, VM create, watch, start, pause, resume, get, stop, delete; errors match embedded")
    func lifecycleOverSocket() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            let socket = cli.root + "/spin.sock"
            let server = try await ChildProcess.server(cli, host: socket)
            defer { server.stop() }
            defer { LifecycleCLITests.cleanUp(cli) }
            let host = ["--host", socket]

            try cli.ok(["volume", "create", "vol"] + host)
            let id = try cli.ok(["vm", "create", "web", "vol"] + guests.directBootOptions + host)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id == "1")

            let watcher = try ChildProcess(["vm", "get", "web", "--watch", "--format", "json", "--root", cli.root] + host)
            defer { watcher.stop() }
            let first = await watcher.waitForLine { $0.hasPrefix("{") }
            #expect(first?.contains("\"stopped\"") == true, "watch's first line: \(watcher.text)")
            // The server's first status sweep only learns the current state; let it happen.
            try await Task.sleep(for: .milliseconds(500))

            let started = try #require(try cli.json(["start", "web"] + host) as? [String: Any])
            #expect((started["status"] as? [String: Any])?["state"] as? String == "running")
            let change = await watcher.waitForLine { $0.contains("\"vm.state\"") && $0.contains("\"running\"") }
            #expect(change != nil, "watch saw no change to running: \(watcher.text)")
            watcher.stop()

            let paused = try #require(try cli.json(["pause", "web"] + host) as? [String: Any])
            #expect((paused["status"] as? [String: Any])?["state"] as? String == "paused")
            try cli.ok(["resume", "web"] + host)
            // The serial console through the server's WebSocket: a line typed here runs in the
            // guest's shell (retried while the guest is still booting; input before then is lost).
            var echoed = ""
            for _ in 0..<8 where !echoed.contains("remote-42") {
                echoed = try cli.run(["console", "web"] + host, stdin: "echo remote-$((6*7))\n").stdout
            }
            #expect(echoed.contains("remote-42"), "console through the server printed: \(echoed)")
            // The serial log through the server: what the guest printed, the echo included.
            let log = try cli.ok(["console", "web", "--log"] + host)
            #expect(log.contains(TestGuests.readyMarker) && log.contains("remote-42"), "log through the server: \(log.suffix(500))")
            // Interactive: raw terminal in a real pty, Ctrl-] detaches.
            if let transcript = try await TmuxConsole.run(cli: cli, vm: "web", typing: "echo hello-through-server", arguments: host) {
                #expect(transcript.split(separator: "\n").contains { $0.hasPrefix("hello-through-server") }, "console transcript:\n\(transcript)")
                #expect(transcript.contains("detached from VM 1"), "console transcript:\n\(transcript)")
                #expect(transcript.contains("CONSOLE-EXIT-0"), "console transcript:\n\(transcript)")
            }
            let got = try #require(try cli.json(["vm", "get", "1"] + host) as? [String: Any])
            #expect((got["status"] as? [String: Any])?["state"] as? String == "running")
            #expect(try cli.ok(["vm", "list"] + host).contains("running"))
            #expect(try cli.ok(["vm", "image", "list", "web"] + host).contains("/images/vol/web.qcow2"))

            let stopped = try #require(try cli.json(["stop", "web", "--timeout", "1"] + host) as? [String: Any])
            #expect((stopped["status"] as? [String: Any])?["state"] as? String == "stopped")
            #expect(try cli.fails(["console", "web"] + host, 5).contains("not running"))
            try cli.ok(["vm", "delete", "web"] + host)
            #expect((try cli.json(["vm", "list"] + host) as? [Any])?.isEmpty == true)

            // The server's error is the SDK's: same exit code, same message as embedded.
            let remote = try cli.run(["vm", "get", "ghost"] + host)
            let embedded = try cli.run(["vm", "get", "ghost"])
            #expect(remote.status == 3 && embedded.status == 3)
            #expect(remote.stderr == embedded.stderr, "remote: \(remote.stderr) embedded: \(embedded.stderr)")

            // Host-local commands say so.
            #expect(try cli.fails(["qmp", "raw", "1"] + host, 69).contains("works on this host only"))
            #expect(try cli.fails(["store", "check"] + host, 69).contains("works on this host only"))
            #expect(try cli.fails(["console", "ghost"] + host, 3).contains("ghost"))
            #expect(try cli.fails(["console", "web", "--log"] + host, 3).contains("web"))
        }
    }

    @Test("over TCP with the token: wrong token is 77, events stream, view prints the console URL")
    func tcpWithToken() async throws {
        try await CLI.with { cli in
            let port = try Loopback.freePort()
            let address = "127.0.0.1:\(port)"
            let token = "test-token-\(UUID().uuidString.prefix(8))"
            let server = try await ChildProcess.server(cli, ["--listen", address], host: address, token: token)
            defer { server.stop() }
            let host = ["--host", address, "--token", token]

            let wrong = try cli.fails(["vm", "list", "--host", address, "--token", "wrong"], 77)
            #expect(wrong.contains("token"), "\(wrong)")
            let fromEnvironment = try cli.run(["vm", "list", "--host", address], environment: ["SPIN_TOKEN": token])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment)")

            let events = try ChildProcess(["events", "--format", "json", "--root", cli.root] + host)
            defer { events.stop() }
            // The stream has no "subscribed" line: make packages until one shows.
            var package: String?
            for attempt in 0..<10 where package == nil {
                try cli.ok(["volume", "create", "vol\(attempt)"] + host)
                package = await events.waitForLine(timeout: .seconds(1)) { $0.contains("\"kind\":\"package\"") && $0.contains("\"succeeded\"") }
            }
            #expect(package != nil, "no package event: \(events.text)")
            events.stop()
            if let package {
                let object = try JSONSerialization.jsonObject(with: Data(package.utf8)) as? [String: Any]
                #expect(object?["kind"] as? String == "package")
            }

            // A VM that exists (never started): its console URL carries the token.
            let kernel = cli.directory + "/vmlinuz"
            #expect(FileManager.default.createFile(atPath: kernel, contents: Data("not a kernel".utf8)))
            try cli.ok(["vm", "create", "web", "vol0", "-s", "16M", "--kernel", kernel] + host)
            let url = try cli.ok(["view", "web", "--no-browser"] + host).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(url == "http://\(address)/console/1?token=\(token)")
            // Without --no-browser, $BROWSER gets the URL as its one argument (no shell).
            let browser = cli.directory + "/browser"
            let opened = cli.directory + "/opened"
            try "#!/bin/sh\nprintf '%s' \"$1\" > \(opened)\n".write(toFile: browser, atomically: true, encoding: .utf8)
            chmod(browser, 0o700)
            let viewed = try cli.run(["view", "1"] + host, environment: ["BROWSER": browser])
            #expect(viewed.status == 0 && viewed.stdout.contains(url), "\(viewed)")
            let received = await Loopback.waitUntil(timeout: .seconds(5)) { (try? String(contentsOfFile: opened, encoding: .utf8)) == url }
            #expect(received, "the browser got: \((try? String(contentsOfFile: opened, encoding: .utf8)) ?? "nothing")")
            #expect(try cli.fails(["view", "ghost", "--no-browser"] + host, 3).contains("ghost"))
            #expect(try cli.fails(["view", "web", "--no-browser"], 5).contains("spin serve --listen 127.0.0.1:8080"))
            #expect(try cli.fails(["view", "web", "--no-browser", "--host", cli.root + "/spin.sock"], 5).contains("unix socket"))

            let doctor = try cli.run(["doctor"] + host)
            #expect(doctor.stdout.contains("spin-server"), "\(doctor)")
            try cli.ok(["vm", "delete", "web"] + host)
        }
    }

    @Test("no server: exit 69 naming the host and how to start one")
    func noServer() async throws {
        try await CLI.with { cli in
            let socket = cli.directory + "/absent.sock"
            let stderr = try cli.fails(["vm", "list", "--host", socket], 69)
            #expect(stderr.contains(socket) && stderr.contains("spin serve"), "\(stderr)")
            let port = try Loopback.freePort()
            let tcp = try cli.run(["volume", "list"], environment: ["SPIN_HOST": "127.0.0.1:\(port)"])
            #expect(tcp.status == 69)
            #expect(tcp.stderr.contains("127.0.0.1:\(port)") && tcp.stderr.contains("omit --host"), "\(tcp)")
        }
    }
}
