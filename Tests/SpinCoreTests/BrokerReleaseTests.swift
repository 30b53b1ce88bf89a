import Foundation
import SpinCore
import Testing
@testable import spin_testkit

@Suite("Broker: handing a lease back")
struct BrokerReleaseTests {
    @Test("a released lease makes its command ready at once; releasing again, or with a stale token, changes nothing")
    func releaseIsIdempotent() throws {
        let fixture = try BrokerFixture()
        let command = try work("a")
        let package = try fixture.broker.submit([command])
        let first = try #require(try fixture.broker.next(resource: "work", lease: .seconds(60)))
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(60)) == nil)
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.leased])

        #expect(try fixture.broker.release(first))
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.ready])
        #expect(try fixture.broker.release(first) == false)

        let second = try #require(try fixture.broker.next(resource: "work", lease: .seconds(60)))
        #expect(second.command.id == command.id)
        #expect(try fixture.broker.release(first) == false, "a stale token must not release the new holder's lease")
        #expect(try fixture.broker.next(resource: "work", lease: .seconds(60)) == nil)
    }

    @Test("releasing the lease of a finished command changes nothing")
    func releaseAfterCompletion() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let lease = try #require(try fixture.broker.next(resource: "work", lease: .seconds(60)))
        try await fixture.broker.complete(lease, success: true)
        #expect(try fixture.broker.release(lease) == false)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("an agent waiting through another broker instance (another process) gets a released command at once")
    func releaseWakesOtherInstances() async throws {
        let fixture = try BrokerFixture()
        // A second instance with its own wake-ups and a slow safety recheck: only the store
        // watcher can wake it early, as in another process.
        let other = try Broker(
            store: fixture.store, leasePath: fixture.leasePath, catalog: RecordingAgent.catalog,
            options: BrokerOptions(idleRecheck: .seconds(20)))
        _ = try fixture.broker.submit([try work("a")])
        let held = try #require(try fixture.broker.next(resource: "work", lease: .seconds(60)))
        let waiter = Task { try await other.next(resource: "work", lease: .seconds(60), wait: .seconds(15)) }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try fixture.broker.release(held))
        let taken = try await waiter.value
        #expect(taken?.command.id == held.command.id)
        #expect(clock.now - start < .seconds(3), "the waiter should wake on the release, not on its 20 s recheck")
    }

    @Test("a cancelled runner lets the command in flight finish within its drain time")
    func drainFinishes() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let runner = AgentRunner(
            broker: fixture.broker, agent: SlowAgent(delay: .milliseconds(300)), leaseDuration: .seconds(60), drainTimeout: .seconds(5))
        let task = Task { await runner.run() }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await task.value
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("a cancelled runner whose command outlasts the drain time hands the lease back")
    func drainHandsBack() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let runner = AgentRunner(
            broker: fixture.broker, agent: SlowAgent(delay: .seconds(60)), leaseDuration: .seconds(60), drainTimeout: .milliseconds(100))
        let task = Task { await runner.run() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.leased])
        task.cancel()
        await task.value
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.ready])
        let lease = try #require(try fixture.broker.next(resource: "work", lease: .seconds(5)))
        try await fixture.broker.complete(lease, success: true)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }
}

/// Serves the `work` queue's record action by sleeping, for drain tests.
private struct SlowAgent: Agent {
    let delay: Duration
    let resource = "work"
    var actions: ActionTable {
        var table = ActionTable()
        let delay = delay
        table.on(RecordEffect.self) { _, _ in try await Task.sleep(for: delay) }
        return table
    }
}
