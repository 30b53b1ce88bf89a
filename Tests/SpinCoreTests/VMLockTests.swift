import Foundation
import Synchronization
import Testing
@testable import SpinCore

@Suite("The per-VM lock, lifecycle order and leftover sockets")
struct VMLockTests {
    func temporaryRoot() throws -> SpinRoot {
        let path = NSTemporaryDirectory() + "spin-lock-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return SpinRoot(explicit: path)
    }

    @Test("two holders in one process run one after the other, never overlapping")
    func serializesInProcess() async throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root.path) }
        let lock = VMLock(root: root, vmID: 7)
        let inside = Box(0)
        let most = Box(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await lock.withLock {
                        let now = inside.update { $0 += 1; return $0 }
                        most.update { $0 = max($0, now) }
                        try await Task.sleep(for: .milliseconds(20))
                        inside.update { $0 -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(most.update { $0 } == 1)
        #expect(!lock.isHeld())
    }

    @Test("a lock held by another process is waited for, and is free the moment that process is SIGKILLed")
    func releasedByDeath() async throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root.path) }
        let lock = VMLock(root: root, vmID: 1)
        try FileManager.default.createDirectory(atPath: root.path + "/locks", withIntermediateDirectories: true)
        // The shell opens the lock file as fd 9, locks it, then becomes `sleep` with fd 9 open:
        // one process holds the lock, and killing it is what must free it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9>>\"$0\" && /usr/bin/flock 9 && exec sleep 600", lock.path]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        while !lock.isHeld() { try await Task.sleep(for: .milliseconds(5)) }

        let acquired = Box(false)
        let waiter = Task { try await lock.withLock { acquired.update { $0 = true } } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!acquired.update { $0 }, "the other process still holds it")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let finished = await Self.finishes(waiter, within: .seconds(30))
        #expect(finished && acquired.update { $0 })
    }

    @Test("a waiter that is cancelled stops waiting")
    func cancellable() async throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root.path) }
        let lock = VMLock(root: root, vmID: 2)
        try await lock.withLock {
            let waiter = Task { try await lock.withLock {} }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
    }

    @Test("a lifecycle command older than the newest one applied is superseded; the same or a newer one is not")
    func lifecycleOrder() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root.path) }
        try FileManager.default.createDirectory(atPath: root.path + "/locks", withIntermediateDirectories: true)
        let order = LifecycleOrder(lock: VMLock(root: root, vmID: 3))
        #expect(!order.supersedes(5), "nothing applied yet")
        try order.write(8)
        #expect(order.supersedes(5))
        #expect(!order.supersedes(8), "a redelivery of the same command still runs")
        #expect(!order.supersedes(9))
    }

    @Test("a socket nobody listens on is stale and removed; one that stops answering within the settle time too; one that answers, or a file that is not a socket, is refused and kept")
    func leftovers() async throws {
        let directory = "/tmp/spin-lo-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dead = directory + "/dead.sock", live = directory + "/live.sock", plain = directory + "/plain.sock"
        let deadFD = try Self.listen(dead)
        close(deadFD)
        let liveFD = try Self.listen(live)
        defer { close(liveFD) }
        _ = FileManager.default.createFile(atPath: plain, contents: Data("x".utf8))

        #expect(RuntimeLeftovers.probe(dead) == .dead)
        #expect(RuntimeLeftovers.probe(live) == .answers)
        #expect(RuntimeLeftovers.probe(plain) == .notSocket)
        #expect(RuntimeLeftovers.probe(directory + "/absent.sock") == .absent)

        try await RuntimeLeftovers(files: [], sockets: [dead]).removeProvenStale(vm: "web")
        #expect(!FileManager.default.fileExists(atPath: dead))
        await #expect(throws: SpinError.self) { try await RuntimeLeftovers(files: [], sockets: [live]).removeProvenStale(vm: "web", settle: .milliseconds(200)) }
        #expect(FileManager.default.fileExists(atPath: live))
        await #expect(throws: SpinError.self) { try await RuntimeLeftovers(files: [], sockets: [plain]).removeProvenStale(vm: "web") }
        #expect(FileManager.default.fileExists(atPath: plain))

        // A dying qemu's last threads close its sockets a moment after it reads gone.
        let dying = directory + "/dying.sock"
        let dyingFD = try Self.listen(dying)
        let closer = Task { try await Task.sleep(for: .milliseconds(100)); close(dyingFD) }
        try await RuntimeLeftovers(files: [], sockets: [dying]).removeProvenStale(vm: "web", settle: .seconds(3))
        try await closer.value
        #expect(!FileManager.default.fileExists(atPath: dying))
    }

    /// Whether `task` ends within `limit` (a guard against hanging the suite, not a timing check).
    static func finishes(_ task: Task<Void, any Error>, within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await task.value) != nil }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            task.cancel()
            group.cancelAll()
            return first
        }
    }

    static func listen(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else { throw SpinError(.internal, "cannot listen on \(path)") }
        return fd
    }
}

/// A value shared between tasks.
final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
