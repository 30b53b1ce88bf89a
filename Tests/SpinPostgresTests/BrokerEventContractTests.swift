import Foundation
import SpinCore
import SpinModel
import SpinPostgres
import Testing

/// Collects a broker's events until `count` arrived or `timeout` passed.
func collectEvents(_ stream: AsyncStream<BrokerEvent>, count: Int, timeout: Duration = .seconds(20)) async -> [BrokerEvent] {
    await withTaskGroup(of: [BrokerEvent]?.self) { group in
        group.addTask {
            var seen: [BrokerEvent] = []
            for await event in stream {
                seen.append(event)
                if seen.count == count { break }
            }
            return seen
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        var result: [BrokerEvent] = []
        for await value in group {
            if let value { result = value }
            group.cancelAll()
            break
        }
        return result
    }
}

/// The broker's event stream on both stores; on PostgreSQL, every server's stream sees the
/// changes any server made (NOTIFY fan-out).
@Suite("Broker events on both stores", .serialized)
struct BrokerEventContractTests {
    @Test("submit, run and fail a package: the stream shows ready, finished, cancelled and the package's end, in order", arguments: StoreKind.allCases)
    func eventsInOrder(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let stream = f.broker.events()
            let first = try work("first")
            let second = try work("second", after: [first.id])
            let failing = try work("bad", fail: true, after: [second.id])
            let cancelled = try work("never", after: [failing.id])
            let package = try await f.broker.submit([first, second, failing, cancelled])
            _ = try await drain(f.broker)
            let events = await collectEvents(stream, count: 8)
            let expected: [BrokerEvent] = [
                .commandChanged(id: first.id, package: package, resource: "work", state: .ready),
                .packageChanged(id: package, state: .enqueued),
                .commandChanged(id: first.id, package: package, resource: "work", state: .succeeded),
                .commandChanged(id: second.id, package: package, resource: "work", state: .ready),
                .commandChanged(id: second.id, package: package, resource: "work", state: .succeeded),
                .commandChanged(id: failing.id, package: package, resource: "work", state: .ready),
                .commandChanged(id: failing.id, package: package, resource: "work", state: .failed),
                .commandChanged(id: cancelled.id, package: package, resource: "work", state: .cancelled),
            ]
            #expect(events == expected)
            // The package's end comes last.
            let end = await collectEvents(stream, count: 1)
            #expect(end == [.packageChanged(id: package, state: .failed)])
        }
    }

    @Test("events made through one PostgreSQL broker reach another broker's stream, once each and in order")
    func fanOut() async throws {
        try await withFixture(.postgres) { f in
            // NOTIFY reaches only servers already listening: wait for both to listen.
            let brokers = [f.broker, f.other].compactMap { $0 as? PostgresBroker }
            for broker in brokers { #expect(await broker.waitUntilListening(timeout: .seconds(30))) }
            #expect(brokers.count == 2)
            let remote = f.other.events()
            let local = f.broker.events()
            var packages: [UInt64] = []
            var commands: [UUID] = []
            for index in 0..<20 {
                let command = try work("fan-\(index)")
                commands.append(command.id)
                packages.append(try await f.broker.submit([command]))
            }
            _ = try await drain(f.broker)
            // Per package: ready, enqueued, succeeded, package succeeded.
            let seenRemotely = await collectEvents(remote, count: 80)
            let seenLocally = await collectEvents(local, count: 80)
            #expect(seenRemotely.count == 80)
            #expect(seenRemotely == seenLocally, "both streams see the same events in the same order")
            for (package, command) in zip(packages, commands) {
                let mine = seenRemotely.filter {
                    switch $0 {
                    case .commandChanged(let id, _, _, _): id == command
                    case .packageChanged(let id, _): id == package
                    }
                }
                #expect(mine == [
                    .commandChanged(id: command, package: package, resource: "work", state: .ready),
                    .packageChanged(id: package, state: .enqueued),
                    .commandChanged(id: command, package: package, resource: "work", state: .succeeded),
                    .packageChanged(id: package, state: .succeeded),
                ])
            }
            // Nothing comes twice: the sender skipped its own payloads coming back.
            let extra = await collectEvents(local, count: 1, timeout: .milliseconds(500))
            #expect(extra.isEmpty)
        }
    }
}
