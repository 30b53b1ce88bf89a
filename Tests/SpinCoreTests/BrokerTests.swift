import Foundation
import SpinCore
import Testing
@testable import spin_testkit

@Suite("Broker")
struct BrokerTests {
    @Test("a command waits for its dependency on another resource, then runs")
    func dependencyAcrossResources() async throws {
        let fixture = try BrokerFixture()
        let first = try work("disk", resource: "other")
        let second = try work("config", after: [first.id])
        let package = try fixture.broker.submit([first, second])
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(5)) == nil, "the dependent must wait")
        let ran = try await fixture.runner("other").runOnce()
        #expect(ran?.id == first.id)
        let lease = try #require(try fixture.broker.next(resource: "work", lease: .seconds(5)))
        #expect(lease.command.id == second.id)
        try fixture.broker.complete(second.id, success: true)
        let status = try fixture.broker.status(package: package)
        #expect(status.package.state == .succeeded)
        #expect(status.commands.map(\.state) == [.succeeded, .succeeded])
    }

    @Test("a command blocked on dependencies does not hold up a ready one behind it")
    func headOfLine() throws {
        let fixture = try BrokerFixture()
        let gate = try work("gate", resource: "other")
        let blocked = try work("blocked", after: [gate.id])
        _ = try fixture.broker.submit([gate, blocked])
        let free = try work("free")
        _ = try fixture.broker.submit([free])
        let lease = try #require(try fixture.broker.next(resource: "work", lease: .seconds(5)))
        #expect(lease.command.id == free.id)
    }

    @Test("the oldest ready command comes first and a leased one is not handed out twice")
    func fifoAndExclusive() throws {
        let fixture = try BrokerFixture()
        let a = try work("a"), b = try work("b")
        _ = try fixture.broker.submit([a])
        _ = try fixture.broker.submit([b])
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(5))?.command.id == a.id)
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(5))?.command.id == b.id)
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(5)) == nil)
    }

    @Test("a failure cancels every dependent, direct or not, and the package names the failed command")
    func failureCancels() async throws {
        let fixture = try BrokerFixture()
        let bad = try work("bad", fail: true)
        let child = try work("child", after: [bad.id])
        let grandchild = try work("grandchild", after: [child.id])
        let bystander = try work("bystander")
        let package = try fixture.broker.submit([bad, child, grandchild, bystander])
        let runner = fixture.runner()
        while try await runner.runOnce() != nil {}
        let status = try fixture.broker.status(package: package)
        #expect(status.package.state == .failed)
        #expect(status.package.failure?.command == bad.id)
        #expect(status.package.failure?.action == "work.record")
        #expect(status.package.failure?.reason.contains("asked to fail") == true)
        #expect(status.commands.map(\.state) == [.failed, .cancelled, .cancelled, .succeeded])
        #expect(status.commands[2].reason?.contains(bad.id.uuidString) == true)
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(1)) == nil, "nothing is left in a queue")
    }

    @Test("completing a command twice is harmless")
    func completeTwice() throws {
        let fixture = try BrokerFixture()
        let a = try work("a")
        let package = try fixture.broker.submit([a])
        _ = try fixture.broker.next(resource: "work", lease: .seconds(5))
        #expect(try fixture.broker.complete(a.id, success: true))
        #expect(try fixture.broker.complete(a.id, success: true) == false)
        #expect(try fixture.broker.complete(a.id, success: false, reason: "late") == false)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("an unknown action, a missing, extra or mistyped parameter is refused when added")
    func typedParameters() throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.newPackage()
        func add(_ action: String, _ parameters: JSONValue) -> String {
            do {
                try fixture.broker.add(CommandDraft(resource: "work", action: action, parameters: parameters), to: package)
                return "accepted"
            } catch let error as SpinError {
                #expect(error.code == .invalidArgument)
                return error.message
            } catch { return "\(error)" }
        }
        #expect(add("explode", .object(["tag": .string("x")])).contains("unknown action work.explode; known actions: work.record"))
        #expect(add("record", .object([:])).contains("parameter \"tag\" is missing"))
        #expect(add("record", .object(["tag": .number(3)])).contains("parameter \"tag\" must be a string"))
        #expect(add("record", .object(["tag": .string("x"), "size": .number(1)])).contains("unknown parameter \"size\""))
        #expect(add("record", .object(["tag": .string("x")])) == "accepted")
        #expect(try fixture.broker.status(package: package).commands.count == 1)
    }

    @Test("a dependency outside the package is refused")
    func foreignDependency() throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.newPackage()
        #expect(throws: SpinError.self) {
            try fixture.broker.add(try work("x", after: [UUID()]), to: package)
        }
    }

    @Test("a package that was never enqueued never runs, and is reaped once abandoned")
    func neverEnqueued() throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now })
        let package = try fixture.broker.newPackage()
        try fixture.broker.add(try work("idle"), to: package)
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(5)) == nil)
        #expect(try fixture.broker.reapAbandonedPackages().isEmpty)
        clock.advance(by: 61)
        #expect(try fixture.broker.reapAbandonedPackages() == [package])
        #expect(throws: SpinError.self) { try fixture.broker.status(package: package) }
    }

    @Test("an expired lease makes the command ready again, and the old holder cannot renew")
    func leaseExpiry() throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now })
        let a = try work("a")
        _ = try fixture.broker.submit([a])
        let first = try #require(try fixture.broker.next(resource: "work", lease: .seconds(10)))
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(10)) == nil)
        clock.advance(by: 11)
        let second = try #require(try fixture.broker.next(resource: "work", lease: .seconds(10)))
        #expect(second.command.id == a.id)
        #expect(second.token != first.token)
        #expect(throws: SpinError.self) { try fixture.broker.renew(first, for: .seconds(10)) }
        _ = try fixture.broker.renew(second, for: .seconds(10))
    }

    @Test("an empty package succeeds as soon as it is enqueued; enqueuing twice is harmless")
    func emptyPackage() throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.newPackage()
        try fixture.broker.enqueue(package)
        try fixture.broker.enqueue(package)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("waiting for a package wakes when an agent in another task finishes it")
    func waitForPackage() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a"), try work("b")])
        let runner = fixture.runner()
        let serving = Task { while try await runner.runOnce(wait: .seconds(5)) != nil {} }
        let status = try await fixture.broker.waitForPackage(package, timeout: .seconds(10))
        serving.cancel()
        #expect(status.package.state == .succeeded)
    }

    @Test("broker events report commands and packages as they change")
    func events() async throws {
        let fixture = try BrokerFixture()
        let stream = fixture.broker.events()
        let a = try work("a")
        let package = try fixture.broker.submit([a])
        _ = try await fixture.runner().runOnce()
        var seen: [BrokerEvent] = []
        for await event in stream {
            seen.append(event)
            if case .packageChanged(_, .succeeded) = event { break }
        }
        #expect(seen.contains(.commandChanged(id: a.id, package: package, resource: "work", state: .ready)))
        #expect(seen.contains(.commandChanged(id: a.id, package: package, resource: "work", state: .succeeded)))
    }
}

/// A settable wall clock for lease and reaping tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
