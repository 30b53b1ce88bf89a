import Foundation
import Testing
@testable import SpinQemu

@Suite("GuestAgentClient against a stub agent")
struct GuestAgentStubTests {
    @Test("the first call syncs with a 0xFF-led guest-sync-delimited and skips stale bytes before its reply")
    func staleBytesBeforeSync() async throws {
        let directory = try TemporaryDirectory()
        let sawSentinel = CommandLog()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            guard let sync = peer.readAgentRequest(), sync.execute == "guest-sync-delimited" else { return }
            if sync.hadSentinel { sawSentinel.append("sentinel") }
            // What an earlier client left behind: whole replies, a reply to a stale sync,
            // the parse error the sentinel provokes, and a partial line cut by the sentinel.
            peer.send(#"{"return": {"host-name": "stale"}}"#)
            peer.send(#"{"return": {}, "id": "old-7"}"#)
            peer.send(bytes: [0xFF] + Array(#"{"return": 12345}"#.utf8) + [0x0A])
            peer.send(#"{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}"#)
            peer.send(bytes: Array(#"{"return": {"pid": 4"#.utf8))
            peer.replySync(sync)
            peer.serveAgent { request in request.execute == "guest-get-host-name" ? #"{"host-name": "web"}"# : nil }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path, syncTimeout: .seconds(5))
        defer { agent.close() }
        #expect(try await agent.hostName() == "web")
        #expect(sawSentinel.all == ["sentinel"])
    }

    @Test("a peer that never answers makes a call fail with notResponding after the sync timeout")
    func silentPeer() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            while peer.readLine() != nil {}
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path, syncTimeout: .milliseconds(200))
        defer { agent.close() }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: GuestAgentError.notResponding) { try await agent.ping() }
        #expect(started.duration(to: clock.now) < .seconds(3))
        #expect(GuestAgentError.notResponding.description.contains("qemu-guest-agent"))
    }

    @Test("after a timeout the next call resyncs, and the late reply is not taken for its own")
    func resyncAfterTimeout() async throws {
        let directory = try TemporaryDirectory()
        let log = CommandLog()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            guard let sync = peer.readAgentRequest() else { return }
            log.append(sync.execute)
            peer.replySync(sync)
            guard let slow = peer.readAgentRequest() else { return }  // guest-get-host-name: no answer yet
            log.append(slow.execute)
            guard let resync = peer.readAgentRequest() else { return }
            log.append(resync.execute)
            peer.reply(slow, returning: #"{"host-name": "late"}"#)  // the late reply, before the sync's
            peer.send(#"{"return": {"host-name": "late, without id"}}"#)
            peer.replySync(resync)
            peer.serveAgent(log: log) { request in request.execute == "guest-get-host-name" ? #"{"host-name": "fresh"}"# : nil }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path, syncTimeout: .seconds(5), commandTimeout: .milliseconds(200))
        defer { agent.close() }
        await #expect(throws: GuestAgentError.timeout(command: "guest-get-host-name")) { try await agent.hostName() }
        let name = try await agent.execute("guest-get-host-name", timeout: .seconds(5))
        #expect(name["host-name"]?.stringValue == "fresh")
        #expect(log.all == ["guest-sync-delimited", "guest-get-host-name", "guest-sync-delimited", "guest-get-host-name"])
    }

    @Test("an error reply becomes commandFailed with the agent's class and description")
    func errorReply() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            while let request = peer.readAgentRequest() {
                if request.execute == "guest-sync-delimited" {
                    peer.replySync(request)
                } else {
                    peer.reply(request, errorClass: "CommandNotFound", desc: "Command guest-fsfreeze-freeze has been disabled")
                }
            }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        await #expect(throws: GuestAgentError.commandFailed(class: "CommandNotFound", desc: "Command guest-fsfreeze-freeze has been disabled")) {
            try await agent.filesystemFreeze()
        }
    }

    @Test("exec starts the command, polls its status and decodes exit code, stdout and stderr")
    func exec() async throws {
        let directory = try TemporaryDirectory()
        let log = CommandLog()
        let seen = CommandLog()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            var polls = 0
            peer.serveAgent(log: log) { request in
                switch request.execute {
                case "guest-exec":
                    seen.append((try? request.arguments.text()) ?? "")
                    return #"{"pid": 42}"#
                case "guest-exec-status":
                    seen.append("pid \(request.arguments["pid"]?.integerValue ?? -1)")
                    polls += 1
                    if polls < 3 { return #"{"exited": false}"# }
                    return #"{"exited": true, "exitcode": 3, "out-data": "aGVsbG8K", "err-data": "b29wcw=="}"#
                default: return nil
                }
            }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        let result = try await agent.exec(path: "/bin/sh", arguments: ["-c", "exit 3"], environment: ["A=1"], input: Data("in".utf8))
        #expect(result == GuestExecResult(exitCode: 3, standardOutput: Data("hello\n".utf8), standardError: Data("oops".utf8)))
        #expect(result.standardOutputText == "hello\n")
        #expect(seen.all == [
            #"{"arg":["-c","exit 3"],"capture-output":true,"env":["A=1"],"input-data":"aW4=","path":"/bin/sh"}"#,
            "pid 42", "pid 42", "pid 42",
        ])
        #expect(log.all.first == "guest-sync-delimited")
        #expect(log.all.filter { $0 == "guest-sync-delimited" }.count == 1)
    }

    @Test("exec gives up with a timeout when the command never exits")
    func execTimeout() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            peer.serveAgent { request in request.execute == "guest-exec" ? #"{"pid": 7}"# : #"{"exited": false}"# }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        await #expect(throws: GuestAgentError.timeout(command: "guest-exec /bin/sleep")) {
            try await agent.exec(path: "/bin/sleep", arguments: ["1000"], timeout: .milliseconds(300))
        }
    }

    @Test("shutdown sends the mode, takes silence as accepted, and the next call resyncs")
    func shutdownWithoutReply() async throws {
        let directory = try TemporaryDirectory()
        let log = CommandLog()
        let modes = CommandLog()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            peer.serveAgent(log: log) { request in
                if request.execute == "guest-shutdown" {
                    modes.append(request.arguments["mode"]?.stringValue ?? "")
                    return nil
                }
                return "{}"
            }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        try await agent.shutdown(mode: .reboot, grace: .milliseconds(100))
        try await agent.ping()
        #expect(modes.all == ["reboot"])
        #expect(log.all == ["guest-sync-delimited", "guest-shutdown", "guest-sync-delimited", "guest-ping"])
    }

    @Test("a refused shutdown throws; one whose connection closes counts as accepted")
    func shutdownOutcomes() async throws {
        let directory = try TemporaryDirectory()
        let refusing = try StubQMPServer(path: directory.file("ga1")) { peer in
            while let request = peer.readAgentRequest() {
                if request.execute == "guest-sync-delimited" { peer.replySync(request) }
                else { peer.reply(request, errorClass: "GenericError", desc: "child process has failed to shutdown") }
            }
        }
        defer { refusing.stop() }
        let first = try await GuestAgentClient.connect(path: refusing.path)
        defer { first.close() }
        await #expect(throws: GuestAgentError.commandFailed(class: "GenericError", desc: "child process has failed to shutdown")) {
            try await first.shutdown(grace: .seconds(5))
        }

        let vanishing = try StubQMPServer(path: directory.file("ga2")) { peer in
            while let request = peer.readAgentRequest() {
                if request.execute == "guest-sync-delimited" { peer.replySync(request) } else { peer.close(); return }
            }
        }
        defer { vanishing.stop() }
        let second = try await GuestAgentClient.connect(path: vanishing.path)
        try await second.shutdown(grace: .seconds(5))
        await #expect(throws: GuestAgentError.disconnected) { try await second.ping() }
        await #expect(throws: GuestAgentError.disconnected) { try await second.shutdown() }
    }

    @Test("typed replies decode: info, interfaces, os info, host name, freeze status and counts")
    func typedReplies() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            peer.serveAgent { request in
                switch request.execute {
                case "guest-info":
                    return #"{"version": "7.2.22", "supported_commands": [{"enabled": true, "name": "guest-exec", "success-response": true}, {"enabled": false, "name": "guest-shutdown", "success-response": false}]}"#
                case "guest-network-get-interfaces":
                    return #"[{"name": "lo", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "127.0.0.1", "prefix": 8}, {"ip-address-type": "ipv6", "ip-address": "::1", "prefix": 128}], "statistics": {"rx-bytes": 1}}, {"name": "eth0", "hardware-address": "52:54:00:12:34:56", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "10.0.2.15", "prefix": 24}]}, {"name": "dummy0"}]"#
                case "guest-get-osinfo":
                    return #"{"kernel-release": "6.1.0-28-cloud-amd64", "machine": "x86_64", "id": "debian", "pretty-name": "Debian GNU/Linux 12 (bookworm)", "version-id": "12"}"#
                case "guest-get-host-name": return #"{"host-name": "web"}"#
                case "guest-fsfreeze-status": return #""frozen""#
                case "guest-fsfreeze-freeze": return "2"
                case "guest-fsfreeze-thaw": return "2"
                default: return "{}"
                }
            }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        let info = try await agent.info()
        #expect(info.version == "7.2.22")
        #expect(info.isEnabled("guest-exec") && !info.isEnabled("guest-shutdown") && !info.isEnabled("guest-nope"))
        let interfaces = try await agent.networkInterfaces()
        #expect(interfaces.map(\.name) == ["lo", "eth0", "dummy0"])
        #expect(interfaces[1].hardwareAddress == "52:54:00:12:34:56")
        #expect(interfaces[2].ipAddresses.isEmpty)
        #expect(interfaces.externalAddresses == [GuestIPAddress(family: .ipv4, address: "10.0.2.15", prefix: 24)])
        let os = try await agent.osInfo()
        #expect(os.id == "debian" && os.versionID == "12" && os.kernelRelease == "6.1.0-28-cloud-amd64" && os.variant == nil)
        #expect(try await agent.hostName() == "web")
        #expect(try await agent.filesystemFreezeStatus() == .frozen)
        #expect(try await agent.filesystemFreeze() == 2)
        #expect(try await agent.filesystemThaw() == 2)
        try await agent.waitUntilReady(timeout: .seconds(5))
    }

    @Test("concurrent calls are serialized and each gets its own reply")
    func concurrentCalls() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            peer.serveAgent { request in
                request.execute == "guest-get-host-name" ? #"{"host-name": "h"}"# : #""thawed""#
            }
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        defer { agent.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        let name = try await agent.hostName()
                        #expect(name == "h")
                    } else {
                        let status = try await agent.filesystemFreezeStatus()
                        #expect(status == .thawed)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("a closed connection fails a pending call with disconnected; a missing socket fails connect")
    func disconnects() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("ga")) { peer in
            guard let sync = peer.readAgentRequest() else { return }
            peer.replySync(sync)
            _ = peer.readAgentRequest()
            peer.close()
        }
        defer { server.stop() }
        let agent = try await GuestAgentClient.connect(path: server.path)
        await #expect(throws: GuestAgentError.disconnected) { try await agent.hostName() }
        #expect(agent.isDisconnected)
        await #expect(throws: GuestAgentError.self) {
            try await GuestAgentClient.connect(path: directory.file("none"), retryFor: .milliseconds(50))
        }
    }

    @Test("the frame splitter drops a partial line at a 0xFF sentinel and splits on newlines")
    func frameSplitter() {
        var splitter = GuestAgentFrameSplitter()
        var lines: [String] = []
        splitter.feed(Array(#"{"a": 1}"#.utf8) + [0x0A] + Array(#"{"partial"#.utf8)) { lines.append($0) }
        splitter.feed([0xFF] + Array(#"{"return": 5}"#.utf8) + [0x0D, 0x0A, 0x0A]) { lines.append($0) }
        #expect(lines == [#"{"a": 1}"#, #"{"return": 5}"#])
    }
}
