import CSystemd

extension SystemdManager {
    /// One subscriber to a unit's property changes.
    struct StatusStream {
        let name: String
        let path: String
        let continuation: AsyncStream<UnitStatus>.Continuation
        /// The PropertiesChanged and UnitNew matches.
        var slots: [OpaquePointer]
        /// nil until the first snapshot; signals before it are older than it and dropped.
        var status: UnitStatus?
    }

    /// A stream of the unit's status: first the current status, then a new value each time
    /// systemd reports a change of one of ``UnitStatus``'s fields (`PropertiesChanged` on the
    /// unit's `Unit` and `Service` interfaces). Use it to notice a crashed VM at once.
    ///
    /// systemd announces the first change after it loads a unit with `UnitNew` instead of
    /// `PropertiesChanged` (and may fold several state changes into it), so a `UnitNew` for the
    /// unit triggers a fresh `GetAll`.
    ///
    /// Snapshots are applied while their reply is dispatched, so signals read in the same batch
    /// right after a reply are applied on top of it, never lost.
    ///
    /// The stream ends when the consumer stops iterating or the connection closes.
    public func statusChanges(of name: String, timeout: Duration? = nil) async throws(SpinError) -> AsyncStream<UnitStatus> {
        let path = try await loadUnit(name, timeout: timeout)
        let token = makeToken()
        let (stream, continuation) = AsyncStream.makeStream(of: UnitStatus.self, bufferingPolicy: .bufferingNewest(256))
        statusStreams[token] = StatusStream(name: name, path: path, continuation: continuation, slots: [])
        do {
            try addStatusMatches(token, path: path)
        } catch {
            removeStatusStream(token)
            throw error
        }
        continuation.onTermination = { _ in
            Task { [weak self] in await self?.removeStatusStream(token) }
        }
        do {
            _ = try await status(of: name, at: path, timeout: timeout) { [self] initial in
                statusStreams[token]?.status = initial
                statusStreams[token]?.continuation.yield(initial)
            }
        } catch {
            removeStatusStream(token)
            throw error
        }
        return stream
    }

    /// Adds the PropertiesChanged and UnitNew matches of stream `token` on the current connection.
    func addStatusMatches(_ token: UInt64, path: String) throws(SpinError) {
        let changed = try addMatch(path: path, interface: Self.propertiesInterface, member: "PropertiesChanged",
                                   kind: .propertiesChanged(token: token))
        statusStreams[token]?.slots.append(changed)
        let announced = try addMatch(path: Self.managerPath, interface: Self.managerInterface, member: "UnitNew",
                                     kind: .unitNew(token: token))
        statusStreams[token]?.slots.append(announced)
    }

    func removeStatusStream(_ token: UInt64) {
        guard let stream = statusStreams.removeValue(forKey: token) else { return }
        for slot in stream.slots { sd_bus_slot_unref(slot) }
        stream.continuation.finish()
    }

    /// `UnitNew(s id, o path)`: the unit was (re)announced; read all its properties again.
    func handleUnitNew(_ reader: BusMessageReader, token: UInt64) {
        guard let stream = statusStreams[token], stream.status != nil,
            (try? reader.readString()) != nil,
            let path = try? reader.readString("o"), path == stream.path
        else { return }
        Task { [weak self] in await self?.refreshStatusStream(token) }
    }

    func refreshStatusStream(_ token: UInt64) async {
        guard let stream = statusStreams[token] else { return }
        _ = try? await status(of: stream.name, at: stream.path, timeout: nil) { [self] fresh in
            guard let known = statusStreams[token]?.status, known != fresh else { return }
            statusStreams[token]?.status = fresh
            statusStreams[token]?.continuation.yield(fresh)
        }
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
