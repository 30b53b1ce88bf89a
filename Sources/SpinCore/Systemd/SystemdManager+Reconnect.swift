import CSystemd

/// The cause attached to a ``SpinError`` when a call failed because the D-Bus connection to
/// the manager dropped: such a call may be retried on a new connection.
struct BusConnectionLost: Error, CustomStringConvertible {
    let description: String
}

extension SpinError {
    /// Whether this error means "the connection to systemd dropped" (not "systemd said no").
    var isBusConnectionLost: Bool { cause is BusConnectionLost }
}

extension SystemdManager {
    /// The error for a call that could not complete because the connection dropped.
    func connectionLost(_ detail: String) -> SpinError {
        SpinError(.unavailable, "lost the connection to the systemd \(scope): \(detail)",
                  cause: BusConnectionLost(description: detail))
    }

    /// Runs `body` on a live connection, reconnecting first when the last one dropped. When
    /// `body` fails because the connection dropped under it and `idempotent` is true, it is
    /// run once more on a new connection.
    func withConnection<T: Sendable>(
        idempotent: Bool,
        _ body: () async throws(SpinError) -> T
    ) async throws(SpinError) -> T {
        try await reconnectIfNeeded()
        do throws(SpinError) {
            return try await body()
        } catch {
            guard error.isBusConnectionLost && idempotent else { throw error }
            try await reconnectIfNeeded()
            return try await body()
        }
    }

    /// Opens a new connection when there is none (or it dropped); concurrent callers share one
    /// attempt.
    /// - Throws: the ``close()`` reason, or `.unavailable` saying that no manager answers where
    ///   spin looked.
    func reconnectIfNeeded() async throws(SpinError) {
        if let closedReason { throw closedReason }
        if let bus = executor.bus {
            if sd_bus_is_open(bus) > 0 { return }
            connectionDropped(connectionLost("the connection was closed by the other side"))
        }
        let attempt: Task<Result<Void, SpinError>, Never>
        if let opening {
            attempt = opening
        } else {
            attempt = Task { await self.reopen() }
            opening = attempt
        }
        let result = await attempt.value
        if opening == attempt { opening = nil }
        try result.get()
    }

    private func reopen() async -> Result<Void, SpinError> {
        do throws(SpinError) {
            try await open()
            return .success(())
        } catch {
            discardPartialConnection()
            return .failure(SpinError(
                .unavailable,
                "the systemd \(scope) does not answer (\(error.message)); start it again and retry — spin reconnects on the next call",
                cause: error))
        }
    }

    /// Drops what a failed ``open()`` set up.
    private func discardPartialConnection() {
        for slot in managerSlots { sd_bus_slot_unref(slot) }
        managerSlots.removeAll()
        releaseConnection()
    }

    /// Forgets a dropped connection: fails what waited on it, drops its matches, hands the
    /// connection to the executor to free, and re-subscribes status streams on a new one.
    /// Safe inside an sd-bus callback.
    func connectionDropped(_ reason: SpinError) {
        guard closedReason == nil, executor.bus != nil else { return }
        for token in Array(inFlight.keys) { fail(token, reason) }
        replyHandlers.removeAll()
        jobWaiters.removeAll()
        for slot in managerSlots { sd_bus_slot_unref(slot) }
        managerSlots.removeAll()
        for token in Array(statusStreams.keys) {
            for slot in statusStreams[token]?.slots ?? [] { sd_bus_slot_unref(slot) }
            statusStreams[token]?.slots = []
        }
        releaseConnection()
        if !statusStreams.isEmpty {
            Task { [weak self] in await self?.resubscribeStatusStreams() }
        }
    }

    /// After a drop: reconnects (a re-executing manager needs a moment to listen again) and
    /// re-adds each stream's matches, then reads its status afresh; streams end when no
    /// manager comes back.
    func resubscribeStatusStreams() async {
        var delay = Duration.milliseconds(50)
        var connected = false
        for _ in 0..<6 where !statusStreams.isEmpty {
            if (try? await reconnectIfNeeded()) != nil {
                connected = true
                break
            }
            try? await clock.sleep(for: delay)
            delay *= 2
        }
        for token in Array(statusStreams.keys) {
            guard connected else {
                removeStatusStream(token)
                continue
            }
            guard let stream = statusStreams[token], stream.slots.isEmpty else { continue }
            do throws(SpinError) {
                try addStatusMatches(token, path: stream.path)
                await refreshStatusStream(token)
            } catch {
                removeStatusStream(token)
            }
        }
    }
}
