import Foundation
import SpinCore
import SpinStore
import Testing
@testable import spin_testkit

@Suite("Broker: pruning finished packages and reaping abandoned ones")
struct BrokerPruningTests {
    @Test("finished packages older than the retention vanish with all their rows; recent and unfinished ones stay")
    func pruneOldFinished() async throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now }, pruneBatchSize: 2)
        let runner = fixture.runner()
        // Five old packages that succeed (each a head and a dependent tail), one that fails
        // (its dependent is cancelled), one still running (its tail stays ready).
        var old: [UInt64] = []
        var oldCommands: [UUID] = []
        for index in 0..<6 {
            let head = try work("old\(index)", fail: index == 5)
            let tail = try work("old\(index)-tail", after: [head.id])
            old.append(try fixture.broker.submit([head, tail]))
            oldCommands += [head.id, tail.id]
        }
        let runningHead = try work("running"), runningTail = try work("running-tail", after: [runningHead.id])
        let running = try fixture.broker.submit([runningHead, runningTail])
        while try await runner.runOnce() != nil {
            if try fixture.broker.command(runningTail.id).state == .ready { break }
        }
        for id in old { #expect(try fixture.broker.status(package: id).package.state.isTerminal) }
        #expect(try fixture.broker.status(package: old[5]).package.state == .failed)

        clock.advance(by: 7200)
        // On another queue, so the running package's ready tail is not taken first.
        let recent = try fixture.broker.submit([try work("recent", resource: "other")])
        _ = try await fixture.runner("other").runOnce()

        let pruned = try await fixture.broker.pruneFinishedPackages(retention: .seconds(3600))
        #expect(Set(pruned) == Set(old))
        for id in old { #expect(throws: SpinError.self) { try fixture.broker.status(package: id) } }
        for id in oldCommands { #expect(throws: SpinError.self) { try fixture.broker.command(id) } }
        #expect(try fixture.broker.status(package: recent).package.state == .succeeded)
        #expect(try fixture.broker.status(package: running).commands.map(\.state) == [.succeeded, .ready])
        let counts = try fixture.rowCounts()
        #expect(counts["packages"] == 2)
        #expect(counts["commands"] == 3)
        #expect(counts["members"] == 3)
        #expect(counts["finished"] == 1)
        #expect(counts["ready"] == 1)
        #expect(counts["waiting"] == 0)

        // The running package still finishes, and goes once it is old enough.
        _ = try await runner.runOnce()
        #expect(try fixture.broker.status(package: running).package.state == .succeeded)
        #expect(try await fixture.broker.pruneFinishedPackages(retention: .seconds(3600)).isEmpty)
        clock.advance(by: 3601)
        #expect(Set(try await fixture.broker.pruneFinishedPackages(retention: .seconds(3600))) == [recent, running])
        #expect(try fixture.rowCounts().values.allSatisfy { $0 == 0 })
    }

    @Test("an abandoned open package is reaped with its commands; a young open one and an enqueued one stay")
    func reapAbandoned() throws {
        let clock = TestClock()
        let fixture = try BrokerFixture(now: { clock.now }, pruneBatchSize: 2)
        var abandoned: [UInt64] = []
        for index in 0..<5 {
            let package = try fixture.broker.newPackage()
            let first = try work("a\(index)")
            try fixture.broker.add(first, to: package)
            try fixture.broker.add(try work("b\(index)", after: [first.id]), to: package)
            abandoned.append(package)
        }
        let enqueued = try fixture.broker.newPackage()
        try fixture.broker.add(try work("enqueued"), to: enqueued)
        try fixture.broker.enqueue(enqueued)
        clock.advance(by: 61)
        let young = try fixture.broker.newPackage()
        try fixture.broker.add(try work("young"), to: young)

        #expect(Set(try fixture.broker.reapAbandonedPackages()) == Set(abandoned))
        for id in abandoned { #expect(throws: SpinError.self) { try fixture.broker.status(package: id) } }
        #expect(try fixture.broker.status(package: young).package.state == .open)
        #expect(try fixture.broker.status(package: enqueued).commands.map(\.state) == [.ready])
        let counts = try fixture.rowCounts()
        #expect(counts["packages"] == 2)
        #expect(counts["commands"] == 2)
        #expect(counts["open"] == 1)
        // Adding to a reaped package says it is gone.
        #expect(throws: SpinError.self) { try fixture.broker.add(try work("late"), to: abandoned[0]) }
    }

    @Test("the maintenance loop of a process that runs agents prunes what finished, without being asked")
    func maintenanceLoop() async throws {
        let fixture = try BrokerFixture(maintenance: (retention: .zero, interval: .milliseconds(20)))
        let maintenance = Task { await fixture.broker.runMaintenance() }
        defer { maintenance.cancel() }
        let package = try fixture.broker.submit([try work("a")])
        _ = try await fixture.runner().runOnce()
        var gone = false
        for _ in 0..<3000 where !gone {
            gone = (try? fixture.broker.status(package: package)) == nil
            if !gone { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(gone)
        #expect(try fixture.rowCounts().values.allSatisfy { $0 == 0 })
    }

    @Test("packages that finished before the finished index existed are indexed once, then pruned")
    func legacyPackages() async throws {
        let fixture = try BrokerFixture(pruneBatchSize: 2)
        var packages: [UInt64] = []
        for index in 0..<5 { packages.append(try fixture.broker.submit([try work("l\(index)")])) }
        while try await fixture.runner().runOnce() != nil {}
        // As a store written before the index: no index rows, no record of the backfill.
        try fixture.store.write { txn in
            try txn.removeAll(in: txn.createDatabase(named: "broker.finished"))
            try txn.removeAll(in: txn.createDatabase(named: "broker.meta"))
        }
        #expect(Set(try await fixture.broker.pruneFinishedPackages(retention: .zero)) == Set(packages))
        #expect(try fixture.rowCounts().values.allSatisfy { $0 == 0 })
    }

    @Test("a retention is read as 7d, 12h, 30m or 90s, and one under a minute is refused")
    func parseRetention() throws {
        #expect(try BrokerOptions.parseRetention("7d") == .seconds(7 * 86400))
        #expect(try BrokerOptions.parseRetention("12h") == .seconds(12 * 3600))
        #expect(try BrokerOptions.parseRetention("30m") == .seconds(1800))
        #expect(try BrokerOptions.parseRetention("90") == .seconds(90))
        #expect(throws: SpinError.self) { try BrokerOptions.parseRetention("30s") }
        #expect(throws: SpinError.self) { try BrokerOptions.parseRetention("a week") }
        #expect(try BrokerOptions.fromEnvironment(["SPIN_PACKAGE_RETENTION": "2d"]).packageRetention == .seconds(2 * 86400))
        #expect(try BrokerOptions.fromEnvironment([:]).packageRetention == BrokerOptions.defaultPackageRetention)
    }
}
