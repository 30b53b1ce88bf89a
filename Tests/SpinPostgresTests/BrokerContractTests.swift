import Foundation
import SpinCore
import SpinModel
import Testing

/// Runs every command of `resource` that is ready on `broker` with a ``CountingAgent`` until
/// none is left; returns the ids it ran, in order.
func drain(_ broker: some CommandBroker, resource: String = "work", deliveries: Deliveries = Deliveries()) async throws -> [UUID] {
    let loop = AgentLoop(queue: broker, agent: CountingAgent(resource: resource, deliveries: deliveries))
    var ran: [UUID] = []
    while let command = try await loop.runOnce() { ran.append(command.id) }
    return ran
}

/// The broker's contract, on LMDB and on PostgreSQL: the same calls, the same answers.
@Suite("Broker contract on both stores", .serialized)
struct BrokerContractTests {
    @Test("a command waits for its dependency on another resource, then runs", arguments: StoreKind.allCases)
    func dependencyAcrossResources(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let first = try work("disk", resource: "other")
            let second = try work("config", after: [first.id])
            let package = try await f.broker.submit([first, second])
            #expect(try await f.broker.next(resource: "work", lease: .seconds(5), wait: .zero) == nil, "the dependent must wait")
            #expect(try await drain(f.other, resource: "other") == [first.id])
            let lease = try #require(try await f.broker.next(resource: "work", lease: .seconds(5), wait: .zero))
            #expect(lease.command.id == second.id)
            #expect(lease.command.dependencies == [first.id])
            #expect(try await f.broker.complete(lease, success: true, reason: nil, errorCode: nil))
            let status = try await f.broker.status(package: package)
            #expect(status.package.state == .succeeded)
            #expect(status.commands.map(\.state) == [.succeeded, .succeeded])
            #expect(status.package.remaining == 0 && status.package.commandCount == 2)
        }
    }

    @Test("the oldest ready command comes first, a blocked one does not hold up the line, a live lease is not handed out twice", arguments: StoreKind.allCases)
    func orderAndExclusivity(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let gate = try work("gate", resource: "other")
            let blocked = try work("blocked", after: [gate.id])
            _ = try await f.broker.submit([gate, blocked])
            let a = try work("a"), b = try work("b")
            _ = try await f.broker.submit([a])
            _ = try await f.other.submit([b])
            #expect(try await f.broker.next(resource: "work", lease: .seconds(5), wait: .zero)?.command.id == a.id)
            #expect(try await f.other.next(resource: "work", lease: .seconds(5), wait: .zero)?.command.id == b.id)
            #expect(try await f.broker.next(resource: "work", lease: .seconds(5), wait: .zero) == nil)
            #expect(try await f.other.next(resource: "work", lease: .seconds(5), wait: .zero) == nil)
        }
    }

    @Test("a failure cancels every dependent, direct or not, and the package names the failed command", arguments: StoreKind.allCases)
    func failureCancels(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let bad = try work("bad", fail: true)
            let child = try work("child", after: [bad.id])
            let grandchild = try work("grandchild", after: [child.id])
            let bystander = try work("bystander")
            let package = try await f.broker.submit([bad, child, grandchild, bystander])
            _ = try await drain(f.broker)
            let status = try await f.broker.status(package: package)
            #expect(status.package.state == .failed)
            #expect(status.package.failure?.command == bad.id)
            #expect(status.package.failure?.action == "work.record")
            #expect(status.package.failure?.reason.contains("asked to fail") == true)
            #expect(status.commands.map(\.state) == [.failed, .cancelled, .cancelled, .succeeded])
            #expect(status.commands[2].reason?.contains(bad.id.uuidString) == true)
            #expect(try await f.broker.next(resource: "work", lease: .seconds(1), wait: .zero) == nil, "nothing is left in a queue")
        }
    }

    @Test("completing twice is harmless; a completion under a lost lease is ignored", arguments: StoreKind.allCases)
    func idempotentCompletion(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let a = try work("a")
            let package = try await f.broker.submit([a])
            let stale = try #require(try await f.broker.next(resource: "work", lease: .milliseconds(300), wait: .zero))
            try await Task.sleep(for: .milliseconds(500))
            let current = try #require(try await f.other.next(resource: "work", lease: .seconds(30), wait: .zero), "an expired lease is handed out again")
            #expect(current.command.id == a.id && current.token != stale.token)
            #expect(try await f.broker.complete(stale, success: false, reason: "late", errorCode: nil) == false)
            await #expect(throws: SpinError.self) { _ = try await f.broker.renew(stale, for: .seconds(5)) }
            #expect(try await f.other.status(package: package).commands.first?.state == .leased)
            #expect(try await f.other.complete(current, success: true, reason: nil, errorCode: nil))
            #expect(try await f.other.complete(current, success: true, reason: nil, errorCode: nil) == false)
            #expect(try await f.broker.complete(a.id, success: false, reason: "late", errorCode: nil) == false)
            #expect(try await f.broker.status(package: package).package.state == .succeeded)
        }
    }

    @Test("a renewed lease outlives its first expiry; a released one is handed out at once, once", arguments: StoreKind.allCases)
    func renewAndRelease(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let a = try work("a")
            _ = try await f.broker.submit([a])
            let lease = try #require(try await f.broker.next(resource: "work", lease: .milliseconds(400), wait: .zero))
            let renewed = try await f.broker.renew(lease, for: .seconds(30))
            #expect(renewed.token == lease.token && renewed.expiresAt > lease.expiresAt)
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await f.other.next(resource: "work", lease: .seconds(5), wait: .zero) == nil, "the renewed lease still holds")
            #expect(try await f.broker.release(renewed))
            #expect(try await f.broker.release(renewed) == false)
            let again = try #require(try await f.other.next(resource: "work", lease: .seconds(5), wait: .zero))
            #expect(again.command.id == a.id)
        }
    }

    @Test("bad input is refused by name and changes nothing", arguments: StoreKind.allCases)
    func badInput(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let package = try await f.broker.newPackage()
            let first = try work("first")
            try await f.broker.add(first, to: package)
            await #expect(throws: SpinError.self) { try await f.broker.add(first, to: package) }  // same id again
            await #expect(throws: SpinError.self) { try await f.broker.add(try work("orphan", after: [UUID()]), to: package) }
            await #expect(throws: SpinError.self) {
                try await f.broker.add(CommandDraft(resource: "work", action: "nope", parameters: .object([:])), to: package)
            }
            do {
                _ = try await f.broker.status(package: 987_654)
                Issue.record("a missing package must be refused")
            } catch let error as SpinError {
                #expect(error.code == .notFound)
            }
            try await f.broker.enqueue(package)
            try await f.broker.enqueue(package)
            do {
                try await f.broker.add(try work("late"), to: package)
                Issue.record("adding to an enqueued package must be refused")
            } catch let error as SpinError {
                #expect(error.code == .failedPrecondition)
            }
            let status = try await f.broker.status(package: package)
            #expect(status.commands.map(\.id) == [first.id])
            #expect(status.package.state == .enqueued && status.package.commandCount == 1)
            let empty = try await f.broker.submit([])
            #expect(try await f.broker.status(package: empty).package.state == .succeeded)
        }
    }

    @Test("a waiter wakes when another broker on the same store submits or finishes", arguments: StoreKind.allCases)
    func crossInstanceWakeups(kind: StoreKind) async throws {
        try await withFixture(kind) { f in try await expectWakeups(f, within: .seconds(5)) }
    }

    @Test("eight agents on two brokers run 300 commands, each exactly once", arguments: StoreKind.allCases)
    func concurrentAgents(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            var ids: [UUID] = []
            var packages: [UInt64] = []
            for batch in 0..<30 {
                let drafts = try (0..<10).map { try work("c\(batch)-\($0)") }
                ids += drafts.map(\.id)
                packages.append(try await (batch % 2 == 0 ? f.broker : f.other).submit(drafts))
            }
            let deliveries = Deliveries()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    let broker = index % 2 == 0 ? f.broker : f.other
                    group.addTask { _ = try await drain(broker, deliveries: deliveries) }
                }
                try await group.waitForAll()
            }
            let counts = deliveries.snapshot
            #expect(counts.count == 300)
            #expect(counts.values.allSatisfy { $0 == 1 }, "a command ran twice")
            #expect(Set(counts.keys) == Set(ids))
            for package in packages { #expect(try await f.broker.status(package: package).package.state == .succeeded) }
        }
    }
}

/// A `next` waiting on one broker wakes for a submit through the other within `bound`, and a
/// package wait on the other wakes when the first completes the command.
func expectWakeups(_ f: ContractFixture, within bound: Duration) async throws {
    let clock = ContinuousClock()
    let a = try work("a")
    let waiting = Task { try await f.broker.next(resource: "work", lease: .seconds(30), wait: .seconds(20)) }
    try await Task.sleep(for: .milliseconds(300))
    let submitted = clock.now
    let package = try await f.other.submit([a])
    let lease = try #require(try await waiting.value)
    let woke = clock.now - submitted
    #expect(lease.command.id == a.id)
    #expect(woke < bound, "woke after \(woke)")
    let finishing = Task { try await f.other.waitForPackage(package, timeout: .seconds(20)) }
    try await Task.sleep(for: .milliseconds(200))
    #expect(try await f.broker.complete(lease, success: true, reason: nil, errorCode: nil))
    #expect(try await finishing.value.package.state == .succeeded)
}
