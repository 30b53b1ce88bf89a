import Foundation

extension Spin {
    /// Live events from now on: package and command progress from the broker as it happens,
    /// and VM state changes.
    ///
    /// VM changes are event-driven: each live VM gets a ``CrashWatch`` (QMP EOF on the direct
    /// supervisor's watch socket, or systemd's PropertiesChanged signals), so a crash, kill or
    /// stop is reported within milliseconds; the live status is also compared right after
    /// each emulation command finishes (a start or stop shows at once) and, as a safety net,
    /// every `pollInterval`.
    ///
    /// The stream ends when the consumer stops iterating or its task is cancelled.
    /// - Parameter vmID: only `vm.state` events of this VM, and no broker events, when set.
    public func events(vmID: UInt64? = nil, pollInterval: Duration = .seconds(1)) -> AsyncStream<SpinEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SpinEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let brokerEvents = broker.events()
        // Sweeps of live status happen on each tick: one per `pollInterval`, one right after
        // each emulation command finishes, and a few after a VM's watch fires. One consumer
        // reads the ticks.
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
            var watchers = VMWatchers(spin: self, tick: tick)
            defer { watchers.cancelAll() }
            var first = true
            for await _ in ticks {
                let vms = await ((try? listVMs()) ?? []).filter { vmID == nil || $0.id == vmID }
                let statuses = await statuses(vms)
                for (id, status) in statuses.sorted(by: { $0.key < $1.key }) where known[id] != status.state {
                    // The first sweep only learns the current states; changes come after.
                    if !first {
                        continuation.yield(SpinEvent(kind: .vmState, vmID: id, state: status.state.rawValue, previousState: known[id]?.rawValue))
                    }
                    known[id] = status.state
                }
                for id in known.keys where !vms.contains(where: { $0.id == id }) { known[id] = nil }
                watchers.update(known)
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

/// The crash watches of the live VMs an event stream follows: armed when a VM is seen live,
/// cancelled when it is not; a watch that fires asks for sweeps at once and shortly after
/// (the supervisor may take a moment to report the process gone).
struct VMWatchers {
    let spin: Spin
    let tick: AsyncStream<Void>.Continuation
    private var tasks: [UInt64: Task<Void, Never>] = [:]

    init(spin: Spin, tick: AsyncStream<Void>.Continuation) {
        self.spin = spin
        self.tick = tick
    }

    mutating func update(_ states: [UInt64: VMState]) {
        for (id, state) in states {
            let live = state == .running || state == .paused || state == .starting || state == .shuttingDown
            if live, tasks[id] == nil {
                let spin = spin
                let tick = tick
                tasks[id] = Task {
                    guard await spin.crashWatchHub.waitUntilGone(id, spin: spin) else { return }
                    // Gone (or already gone when arming): sweep now and again shortly.
                    for delay in [0, 50, 250, 1000] {
                        try? await Task.sleep(for: .milliseconds(delay))
                        if Task.isCancelled { return }
                        tick.yield()
                    }
                }
            } else if !live, let task = tasks.removeValue(forKey: id) {
                task.cancel()
            }
        }
        for id in tasks.keys where states[id] == nil { tasks.removeValue(forKey: id)?.cancel() }
    }

    func cancelAll() { for task in tasks.values { task.cancel() } }
}
