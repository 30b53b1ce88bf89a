import Foundation
import Glibc
import Testing
@testable import SpinQemu

@Suite(
    "GuestAgentClient against the real qemu-ga run on the host",
    .serialized,
    .enabled(if: HostGuestAgent.isInstalled, "qemu-ga is not installed; apt-get install qemu-guest-agent")
)
struct GuestAgentHostTests {
    @Test("ping, info, host name, interfaces and os info come back from Debian's qemu-ga")
    func queries() async throws {
        let directory = try TemporaryDirectory()
        try await withHostGuestAgent(in: directory) { socket in
            let agent = try await GuestAgentClient.connect(path: socket, retryFor: .seconds(30), syncTimeout: .seconds(10), commandTimeout: .seconds(30))
            defer { agent.close() }
            try await agent.waitUntilReady(timeout: .seconds(30))
            let info = try await agent.info()
            #expect(info.version.hasPrefix("7.") || info.version.hasPrefix("8.") || info.version.hasPrefix("9."))
            #expect(info.isEnabled("guest-exec") && info.isEnabled("guest-network-get-interfaces"))
            #expect(!info.isEnabled("guest-shutdown") && !info.isEnabled("guest-fsfreeze-freeze"))

            var buffer = [CChar](repeating: 0, count: 256)
            gethostname(&buffer, buffer.count)
            let hostname = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(try await agent.hostName() == hostname)

            let interfaces = try await agent.networkInterfaces()
            let loopback = try #require(interfaces.first { $0.name == "lo" })
            #expect(loopback.ipAddresses.contains(GuestIPAddress(family: .ipv4, address: "127.0.0.1", prefix: 8)))

            let os = try await agent.osInfo()
            var system = utsname()
            uname(&system)
            let release = withUnsafeBytes(of: system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            #expect(os.kernelRelease == release)
            #expect(os.machine == "x86_64")
            let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
            let id = osRelease.split(separator: "\n").first { $0.hasPrefix("ID=") }.map { $0.dropFirst(3).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            #expect(os.id == id)
            #expect(try await agent.filesystemFreezeStatus() == .thawed)
        }
    }

    @Test("guest-exec runs /bin/echo and a failing shell command; stdin, stderr and exit codes come back")
    func exec() async throws {
        let directory = try TemporaryDirectory()
        try await withHostGuestAgent(in: directory) { socket in
            let agent = try await GuestAgentClient.connect(path: socket, retryFor: .seconds(30), syncTimeout: .seconds(10))
            defer { agent.close() }
            let echo = try await agent.exec(path: "/bin/echo", arguments: ["hello", "agent"], timeout: .seconds(30))
            #expect(echo.exitCode == 0)
            #expect(echo.standardOutputText == "hello agent\n")

            let failing = try await agent.exec(path: "/bin/sh", arguments: ["-c", "echo oops >&2; exit 7"], timeout: .seconds(30))
            #expect(failing.exitCode == 7)
            #expect(failing.standardErrorText == "oops\n")
            #expect(failing.standardOutput.isEmpty)

            let cat = try await agent.exec(path: "/bin/cat", input: Data("from stdin".utf8), timeout: .seconds(30))
            #expect(cat.standardOutputText == "from stdin")

            let env = try await agent.exec(path: "/usr/bin/env", environment: ["SPIN_TEST=42"], timeout: .seconds(30))
            #expect(env.standardOutputText.contains("SPIN_TEST=42"))

            await #expect(throws: GuestAgentError.self) {
                try await agent.exec(path: "/nonexistent/program", timeout: .seconds(30))
            }
            // The connection is still in sync after a failed call.
            try await agent.ping()
        }
    }

    @Test("a disabled command is refused with CommandNotFound, and shutdown surfaces that refusal")
    func refusals() async throws {
        let directory = try TemporaryDirectory()
        try await withHostGuestAgent(in: directory) { socket in
            let agent = try await GuestAgentClient.connect(path: socket, retryFor: .seconds(30), syncTimeout: .seconds(10))
            defer { agent.close() }
            // Never let a shutdown reach the host: only call it once the agent says it is disabled.
            let info = try await agent.info()
            try #require(!info.isEnabled("guest-shutdown") && !info.isEnabled("guest-fsfreeze-freeze"))
            await #expect(throws: GuestAgentError.self) { try await agent.filesystemFreeze() }
            do {
                try await agent.shutdown(grace: .seconds(10))
                Issue.record("guest-shutdown was not refused")
            } catch GuestAgentError.commandFailed(let errorClass, let desc) {
                #expect(errorClass == "CommandNotFound")
                #expect(desc.contains("guest-shutdown"))
            }
        }
    }

    @Test("a client after one that left a request unread and a half-written one still gets in sync")
    func afterAnUntidyClient() async throws {
        let directory = try TemporaryDirectory()
        try await withHostGuestAgent(in: directory) { socket in
            let untidy = try await GuestAgentClient.connect(path: socket, retryFor: .seconds(30), syncTimeout: .seconds(10))
            try await untidy.ping()
            untidy.close()
            // A raw client: a request whose reply it never reads, then half a request.
            let fd: Int32
            switch try await UnixSocket.connect(path: socket, retryingFor: .seconds(30), clock: ContinuousClock()) {
            case .success(let value): fd = value
            case .failure(let failure): throw GuestAgentError.transport(failure.message)
            }
            _ = UnixSocket.sendAll(fd: fd, Array(#"{"execute": "guest-info"}"#.utf8) + [0x0A] + Array(#"{"execute": "guest-pi"#.utf8))
            close(fd)

            let agent = try await GuestAgentClient.connect(path: socket, retryFor: .seconds(10), syncTimeout: .seconds(10))
            defer { agent.close() }
            try await agent.ping()
            #expect(try await agent.hostName().isEmpty == false)
        }
    }
}
