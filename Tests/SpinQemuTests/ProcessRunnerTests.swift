import Foundation
import Synchronization
import Testing
@testable import SpinQemu

@Suite("ProcessRunner")
struct ProcessRunnerTests {
    @Test("the child starts with an empty signal mask and no ignored signals")
    func emptySignalMask() async throws {
        // An ignored disposition in the parent must not leak into the child.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let result = try await ProcessRunner.run("/bin/grep", ["-E", "^Sig(Blk|Ign)", "/proc/self/status"])
        let masks = try result.standardOutputText.split(separator: "\n").map { line in
            let hex = try #require(line.split(separator: "\t").last)
            return try #require(UInt64(hex, radix: 16))
        }
        #expect(masks.count == 2)
        #expect(masks.first == 0, "SigBlk")
        // glibc's posix_spawn always leaves its two internal signals (32, 33) ignored.
        let glibcInternal: UInt64 = 0x1_8000_0000
        #expect((masks.last ?? 1) & ~glibcInternal == 0, "SigIgn")
    }

    @Test("a child can be terminated by SIGTERM")
    func sigtermWorks() async throws {
        let result = try await ProcessRunner.run("/bin/sh", ["-c", "kill -TERM $$; sleep 5"], check: false)
        #expect(result.termination == .signaled(SIGTERM))
    }

    @Test("a failing child's error carries its stderr and exit status")
    func errorCarriesStderr() async throws {
        let error = await #expect(throws: ProcessRunner.Error.self) {
            try await ProcessRunner.run("/bin/sh", ["-c", "echo boom >&2; exit 3"])
        }
        guard case .failed(_, _, let termination, let standardError) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(termination == .exited(3))
        #expect(standardError == "boom\n")
        #expect(error?.description.contains("boom") == true)
    }

    @Test("large stdout and stderr are captured without deadlocking")
    func largeOutput() async throws {
        let script = "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2"
        let result = try await ProcessRunner.run("/bin/sh", ["-c", script])
        #expect(result.standardOutput.count == 3_000_000)
        #expect(result.standardError.count == 2_000_000)
    }

    @Test("arguments are passed verbatim, never through a shell")
    func argumentsVerbatim() async throws {
        let result = try await ProcessRunner.run("printf", ["%s|", "a b", "$HOME", "c;d"])
        #expect(result.standardOutputText == "a b|$HOME|c;d|")
    }

    @Test("an explicit environment replaces the parent's")
    func environment() async throws {
        let result = try await ProcessRunner.run("/usr/bin/env", [], environment: ["ONLY": "this"])
        #expect(result.standardOutputText == "ONLY=this\n")
    }

    @Test("lines are streamed as they arrive, split on newline and carriage return")
    func streamsLines() async throws {
        let lines = LinesBox()
        _ = try await ProcessRunner.run("/bin/sh", ["-c", "printf 'a\\rb\\n' >&2; printf 'c'"]) { stream, line in
            lines.append("\(stream == .standardError ? "err" : "out"):\(line)")
        }
        #expect(lines.values.sorted() == ["err:a", "err:b", "out:c"])
    }

    @Test("a missing executable is a spawn error")
    func missingExecutable() async throws {
        await #expect(throws: ProcessRunner.Error.spawnFailed(executable: "/nonexistent/x", errno: ENOENT)) {
            try await ProcessRunner.run("/nonexistent/x", [])
        }
    }

    @Test("a detached child runs in its own session and can be reaped")
    func detached() async throws {
        let pid = try ProcessRunner.spawnDetached("/bin/sh", ["-c", "exit 7"])
        #expect(pid > 0)
        let termination = try await ProcessRunner.waitForExit(pid: pid)
        #expect(termination == .exited(7))
    }

    @Test("an exited but unreaped child counts as not alive")
    func liveness() async throws {
        let pid = try ProcessRunner.spawnDetached("/bin/sh", ["-c", "exit 0"])
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while ProcessRunner.isAlive(pid: pid), clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!ProcessRunner.isAlive(pid: pid))
        _ = try await ProcessRunner.waitForExit(pid: pid)
        #expect(ProcessRunner.isAlive(pid: getpid()))
    }

    @Test("the line splitter keeps partial lines until they end")
    func lineSplitter() {
        var splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Array("ab".utf8)) { lines.append($0) }
        splitter.feed(Array("c\r\nd".utf8)) { lines.append($0) }
        splitter.finish { lines.append($0) }
        #expect(lines == ["abc", "d"])
    }
}

/// A thread-safe list of strings for callbacks in tests.
final class LinesBox: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ value: String) { storage.withLock { $0.append(value) } }
    var values: [String] { storage.withLock { $0 } }
}
