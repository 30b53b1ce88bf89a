import Foundation
import SpinCore
import Synchronization
import Testing
@testable import spin_testkit

@Suite("Broker: keeping and losing a lease")
struct BrokerLeaseTests {
    @Test("a transient renewal failure is retried and the action completes")
    func transientRenewalFailure() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let queue = FlakyQueue(broker: fixture.broker, failures: 2)
        // The action outlasts the failed renewals and the retry that succeeds.
        let agent = ClosureAgent { _ in
            while queue.counts.renewed == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        // A long lease renewed often: the retries never run into the lease's end, however
        // slowly this machine schedules them.
        let runner = AgentLoop(
            queue: queue, agent: agent, leaseDuration: .seconds(60), renewalInterval: .milliseconds(50), renewalBackoff: .milliseconds(20))
        let ran = try await runner.runOnce()
        #expect(ran != nil)
        #expect(queue.counts.failed == 2)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("renewals that keep failing give the lease up: the action is cancelled and the command is handed back, not failed")
    func renewalGivesUp() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let queue = FlakyQueue(broker: fixture.broker, failures: 1000)
        let probe = ActionProbe()
        let agent = ClosureAgent { _ in
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                probe.mark(.cancelled)
                throw error
            }
        }
        let runner = AgentLoop(
            queue: queue, agent: agent, leaseDuration: .seconds(60), renewalAttempts: 3,
            renewalInterval: .milliseconds(50), renewalBackoff: .milliseconds(10))
        _ = try await runner.runOnce()
        #expect(queue.counts.failed == 3)
        #expect(probe.saw(.cancelled))
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.ready], "the lease was not handed back")
    }

    @Test("a renewal that never answers is abandoned when the lease runs out: the action is cancelled, the command handed back")
    func hangingRenewal() async throws {
        let fixture = try BrokerFixture()
        let package = try fixture.broker.submit([try work("a")])
        let queue = FlakyQueue(broker: fixture.broker, failures: 0, hangSeconds: 600)
        let probe = ActionProbe()
        let agent = ClosureAgent { _ in
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                probe.mark(.cancelled)
                throw error
            }
        }
        let runner = AgentLoop(queue: queue, agent: agent, leaseDuration: .milliseconds(600), renewalInterval: .milliseconds(100))
        _ = try await runner.runOnce()
        #expect(probe.saw(.cancelled))
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.ready])
    }

    @Test("a lost lease (another holder took the command after expiry) cancels the action, and the first holder does not complete it")
    func lostLeaseCancels() async throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now })
        let command = try work("a")
        let package = try fixture.broker.submit([command])
        let probe = ActionProbe()
        let agent = ClosureAgent { _ in
            probe.mark(.started)
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                probe.mark(.cancelled)
                throw error
            }
            probe.mark(.finished)
        }
        let runner = AgentLoop(queue: fixture.broker, agent: agent, leaseDuration: .milliseconds(300))
        let first = Task { try await runner.runOnce() }
        try await probe.wait(for: .started)
        // The lease runs out (by the broker's clock) and another agent takes the command; a
        // renewal landing just after the clock moved extends it once more, so move again.
        var taken: Lease?
        for _ in 0..<100 where taken == nil {
            clock.advance(by: 1)
            taken = try fixture.broker.next(resource: "work", lease: .seconds(60))
        }
        let second = try #require(taken)
        #expect(second.command.id == command.id)

        #expect(try await first.value?.id == command.id)
        #expect(probe.saw(.cancelled))
        #expect(!probe.saw(.finished))
        #expect(try fixture.broker.status(package: package).commands.map(\.state) == [.leased], "the first holder recorded an outcome")
        try await fixture.broker.complete(second, success: true)
        #expect(try fixture.broker.status(package: package).package.state == .succeeded)
    }

    @Test("renewLease throws once the lease is lost, so an action skips its destructive step; no outcome is recorded")
    func renewLeaseThrowsWhenLost() async throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now })
        let package = try fixture.broker.submit([try work("a")])
        let probe = ActionProbe()
        let agent = ClosureAgent { context in
            probe.mark(.started)
            try await probe.wait(for: .go)
            do {
                try await context.renewLease()
            } catch let error as SpinError {
                probe.mark(.renewalRefused)
                #expect(error.code == .failedPrecondition)
                throw error
            }
            probe.mark(.finished)  // the destructive step
        }
        // A long lease: the keeper does not renew during the test; only the action does.
        let runner = AgentLoop(queue: fixture.broker, agent: agent, leaseDuration: .seconds(60))
        let first = Task { try await runner.runOnce() }
        try await probe.wait(for: .started)
        clock.advance(by: 61)
        let second = try #require(try fixture.broker.next(resource: "work", lease: .seconds(60)))
        probe.mark(.go)
        _ = try await first.value
        #expect(probe.saw(.renewalRefused))
        #expect(!probe.saw(.finished))
        let states = try fixture.broker.status(package: package).commands.map(\.state)
        #expect(states == [.leased], "neither success nor failure was recorded by the first holder")
        try await fixture.broker.complete(second, success: true)
    }
}

/// A ``CommandQueue`` over a broker whose first `failures` renewals fail as a dropped
/// connection would.
final class FlakyQueue: CommandQueue {
    struct Counts { var failuresLeft: Int; var failed = 0; var renewed = 0 }
    let broker: Broker
    private let state: Mutex<Counts>

    /// Renewals that take this long and ignore cancellation, as a server that stopped answering.
    let hangSeconds: Double?

    init(broker: Broker, failures: Int, hangSeconds: Double? = nil) {
        self.broker = broker
        self.hangSeconds = hangSeconds
        state = Mutex(Counts(failuresLeft: failures))
    }

    var counts: Counts { state.withLock { $0 } }

    func next(resource: String, lease: Duration, wait: Duration) async throws -> Lease? {
        try await broker.next(resource: resource, lease: lease, wait: wait)
    }

    func renew(_ lease: Lease, for duration: Duration) async throws -> Lease {
        let fail = state.withLock { counts -> Bool in
            guard counts.failuresLeft > 0 else { return false }
            counts.failuresLeft -= 1
            counts.failed += 1
            return true
        }
        if fail { throw SpinError(.unavailable, "the connection dropped (a test's flaky queue)") }
        if let hangSeconds {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + hangSeconds) { continuation.resume() }
            }
            throw SpinError(.unavailable, "the server answered far too late (a test's hanging queue)")
        }
        let renewed = try broker.renew(lease, for: duration)
        state.withLock { $0.renewed += 1 }
        return renewed
    }

    func complete(_ lease: Lease, success: Bool, reason: String?, errorCode: String?) async throws -> Bool {
        try await broker.complete(lease, success: success, reason: reason, errorCode: errorCode)
    }

    func release(_ lease: Lease) async throws -> Bool { try broker.release(lease) }
}

/// Serves the `work` queue's record action with a closure.
struct ClosureAgent: Agent {
    let body: @Sendable (CommandContext) async throws -> Void
    let resource = "work"
    init(_ body: @escaping @Sendable (CommandContext) async throws -> Void) { self.body = body }
    var actions: ActionTable {
        var table = ActionTable()
        let body = body
        table.on(RecordEffect.self) { _, context in try await body(context) }
        return table
    }
}

/// Marks what an action reached, for a test to wait on and check.
final class ActionProbe: Sendable {
    enum Mark: Hashable, Sendable { case started, go, cancelled, renewalRefused, finished }
    private let marks = Mutex<Set<Mark>>([])

    func mark(_ mark: Mark) { _ = marks.withLock { $0.insert(mark) } }
    func saw(_ mark: Mark) -> Bool { marks.withLock { $0.contains(mark) } }

    /// Waits (cancellably) until `mark` is made; gives up after a minute.
    func wait(for mark: Mark) async throws {
        for _ in 0..<6000 where !saw(mark) { try await Task.sleep(for: .milliseconds(10)) }
        guard saw(mark) else { throw SpinError(.timeout, "the action never reached \(mark)") }
    }
}
