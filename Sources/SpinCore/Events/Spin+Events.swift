import Foundation

extension Spin {
    /// Live events from now on: package and command progress from the broker as it happens,
    /// and VM state changes, found by comparing live statuses every `pollInterval` and right
    /// after each emulation command finishes (so a start or stop shows at once).
    ///
    /// The stream ends when the consumer stops iterating or its task is cancelled.
    /// - Parameter vmID: only `vm.state` events of this VM, and no broker events, when set.
    public func events(vmID: UInt64? = nil, pollInterval: Duration = .seconds(1)) -> AsyncStream<SpinEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SpinEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let brokerEvents = broker.events()
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let forward = Task {
            for await event in brokerEvents {
                if case .commandChanged(_, _, "emulation", let state) = event, state.isTerminal { wake.yield() }
                if vmID == nil { continuation.yield(SpinEvent(event)) }
            }
        }
        let watch = Task {
            var known: [UInt64: VMState] = [:]
            var first = true
            while !Task.isCancelled {
                let vms = ((try? listVMs()) ?? []).filter { vmID == nil || $0.id == vmID }
                let statuses = await statuses(vms)
                for (id, status) in statuses.sorted(by: { $0.key < $1.key }) where known[id] != status.state {
                    // The first sweep only learns the current states; changes come after.
                    if !first {
                        continuation.yield(SpinEvent(kind: .vmState, vmID: id, state: status.state.rawValue, previousState: known[id]?.rawValue))
                    }
                    known[id] = status.state
                }
                for id in known.keys where statuses[id] == nil && !vms.contains(where: { $0.id == id }) {
                    known[id] = nil
                }
                first = false
                await Self.sleep(pollInterval, orUntil: wakeups)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            watch.cancel()
            wake.finish()
        }
        return stream
    }

    /// Sleeps for `duration`, or less when `wakeups` yields.
    private static func sleep(_ duration: Duration, orUntil wakeups: AsyncStream<Void>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask {
                var iterator = wakeups.makeAsyncIterator()
                _ = await iterator.next()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
