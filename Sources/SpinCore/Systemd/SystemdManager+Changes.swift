import CSystemd

extension SystemdManager {
    /// One subscriber to a unit's property changes.
    struct StatusStream {
        let continuation: AsyncStream<UnitStatus>.Continuation
        let slot: OpaquePointer
        /// nil until the first snapshot; signals before it are older than it and dropped.
        var status: UnitStatus?
    }

    /// A stream of the unit's status: first the current status, then a new value each time
    /// systemd reports a change of one of ``UnitStatus``'s fields (`PropertiesChanged` on the
    /// unit's `Unit` and `Service` interfaces). Use it to notice a crashed VM at once.
    ///
    /// The stream ends when the consumer stops iterating or the connection closes.
    public func statusChanges(of name: String, timeout: Duration? = nil) async throws(SpinError) -> AsyncStream<UnitStatus> {
        let path = try await loadUnit(name, timeout: timeout)
        let token = makeToken()
        let (stream, continuation) = AsyncStream.makeStream(of: UnitStatus.self, bufferingPolicy: .bufferingNewest(256))
        let slot = try addMatch(path: path, interface: Self.propertiesInterface, member: "PropertiesChanged",
                                kind: .propertiesChanged(token: token))
        statusStreams[token] = StatusStream(continuation: continuation, slot: slot)
        continuation.onTermination = { _ in
            Task { [weak self] in await self?.removeStatusStream(token) }
        }
        do {
            let initial = try await status(of: name, at: path, timeout: timeout)
            if statusStreams[token] != nil {
                statusStreams[token]?.status = initial
                continuation.yield(initial)
            }
        } catch {
            removeStatusStream(token)
            throw error
        }
        return stream
    }

    func removeStatusStream(_ token: UInt64) {
        guard let stream = statusStreams.removeValue(forKey: token) else { return }
        sd_bus_slot_unref(stream.slot)
        stream.continuation.finish()
    }

    /// `PropertiesChanged(s interface, a{sv} changed, as invalidated)`.
    func handlePropertiesChanged(_ reader: BusMessageReader, token: UInt64) {
        guard var status = statusStreams[token]?.status,
            (try? reader.readString()) != nil,
            let changed = try? reader.readPropertyDictionary()
        else { return }
        if status.apply(changed) {
            statusStreams[token]?.status = status
            statusStreams[token]?.continuation.yield(status)
        }
    }
}
