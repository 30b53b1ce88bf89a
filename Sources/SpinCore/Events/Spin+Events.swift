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
        // Sweeps of live status happen on each tick: one per `pollInterval`, and one right
        // after each emulation command finishes. One consumer reads the ticks.
        let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let forward = Task {
            for await event in brokerEvents {
                if case .commandChanged(_, _, "emulation", let state) = event, state.isTerminal { tick.yield() }
                if vmID == nil { continuation.yield(SpinEvent(event)) }
            }
        }
        let timer = Task {
            while !Task.isCancelled {
                tick.yield()
                try? await Task.sleep(for: pollInterval)
            }
        }
        let watch = Task {
            var known: [UInt64: VMState] = [:]
            var first = true
            for await _ in ticks {
                let vms = ((try? listVMs()) ?? []).filter { vmID == nil || $0.id == vmID }
                let statuses = await statuses(vms)
                for (id, status) in statuses.sorted(by: { $0.key < $1.key }) where known[id] != status.state {
                    // The first sweep only learns the current states; changes come after.
                    if !first {
                        continuation.yield(SpinEvent(kind: .vmState, vmID: id, state: status.state.rawValue, previousState: known[id]?.rawValue))
                    }
                    known[id] = status.state
                }
                for id in known.keys where !vms.contains(where: { $0.id == id }) { known[id] = nil }
                first = false
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            timer.cancel()
            watch.cancel()
            tick.finish()
        }
        return stream
    }
}
