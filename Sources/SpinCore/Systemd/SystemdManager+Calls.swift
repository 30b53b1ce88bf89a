import CSystemd

#if canImport(Glibc)
import Glibc
#endif

extension SystemdManager {
    /// One operation in flight: how to fail it, its timeout timer, and what it waits for next.
    struct InFlight {
        let fail: (SpinError) -> Void
        var timer: Task<Void, Never>?
        var onJobRemoved: ((JobResult) -> Void)?
    }

    /// Runs an operation that completes through `finish`, with a timeout and cancellation.
    ///
    /// `begin` runs on the actor before the first suspension, so replies and signals handled
    /// later always find the operation registered.
    func perform<T: Sendable>(
        _ what: String,
        timeout: Duration?,
        _ begin: (_ token: UInt64, _ finish: @escaping (Result<T, SpinError>) -> Void) throws(SpinError) -> Void
    ) async throws(SpinError) -> T {
        let token = makeToken()
        let limit = timeout ?? defaultTimeout
        let result: Result<T, SpinError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, SpinError>, Never>) in
                let finish: (Result<T, SpinError>) -> Void = { [self] result in
                    guard let operation = inFlight.removeValue(forKey: token) else { return }
                    operation.timer?.cancel()
                    continuation.resume(returning: result)
                }
                inFlight[token] = InFlight(fail: { finish(.failure($0)) })
                inFlight[token]?.timer = startTimer(token, limit, what)
                do throws(SpinError) {
                    try begin(token, finish)
                } catch {
                    finish(.failure(error))
                }
            }
        } onCancel: {
            Task { [weak self] in
                await self?.fail(token, SpinError(.actionFailed, "cancelled while waiting to \(what)"))
            }
        }
        return try result.get()
    }

    /// Fails an operation if it is still in flight.
    func fail(_ token: UInt64, _ error: SpinError) {
        inFlight[token]?.fail(error)
        replyHandlers[token] = nil
        jobWaiters = jobWaiters.filter { $0.value != token }
    }

    private func startTimer(_ token: UInt64, _ limit: Duration, _ what: String) -> Task<Void, Never> {
        let clock = clock
        return Task { [weak self] in
            do { try await clock.sleep(for: limit) } catch { return }
            await self?.fail(token, SpinError(.timeout, "timed out after \(limit) waiting to \(what)"))
        }
    }

    /// Calls a method and parses its reply on the bus thread, reconnecting first when the
    /// connection dropped; an `idempotent` call that the drop interrupted is sent once more.
    func call<T: Sendable>(
        _ member: String,
        path: String = SystemdManager.managerPath,
        interface: String = SystemdManager.managerInterface,
        _ arguments: [BusArgument] = [],
        describing what: String,
        timeout: Duration? = nil,
        idempotent: Bool = true,
        parse: @escaping (BusMessageReader) throws(SpinError) -> T
    ) async throws(SpinError) -> T {
        try await withConnection(idempotent: idempotent) { () async throws(SpinError) -> T in
            try await callOnce(member, path: path, interface: interface, arguments, describing: what,
                               timeout: timeout, parse: parse)
        }
    }

    /// Calls a method on the current connection, without reconnecting.
    func callOnce<T: Sendable>(
        _ member: String,
        path: String = SystemdManager.managerPath,
        interface: String = SystemdManager.managerInterface,
        _ arguments: [BusArgument] = [],
        describing what: String,
        timeout: Duration? = nil,
        parse: @escaping (BusMessageReader) throws(SpinError) -> T
    ) async throws(SpinError) -> T {
        try await perform(what, timeout: timeout) { token, finish throws(SpinError) in
            try send(member, path: path, interface: interface, arguments, token: token, what: what) { reply in
                finish(Result { () throws(SpinError) in try parse(reply) })
            }
        }
    }

    /// Sends a method call; `onReply` gets the successful reply, errors fail the operation.
    func send(
        _ member: String,
        path: String,
        interface: String,
        _ arguments: [BusArgument],
        token: UInt64,
        what: String,
        onReply: @escaping (BusMessageReader) -> Void
    ) throws(SpinError) {
        let bus = try connectedBus()
        var message: OpaquePointer?
        var r = sd_bus_message_new_method_call(bus, &message, Self.destination, path, interface, member)
        guard r >= 0, let message else { throw BusErrors.local(r, doing: what, code: .internal) }
        defer { sd_bus_message_unref(message) }
        for argument in arguments where r >= 0 { r = argument.append(to: message) }
        guard r >= 0 else { throw BusErrors.local(r, doing: what, code: .internal) }

        let context = Unmanaged.passRetained(SlotContext(manager: self, kind: .reply(token: token)))
        var slot: OpaquePointer?
        // sd-bus's own timeout stays a backstop; `perform` enforces the real limit.
        r = sd_bus_call_async(bus, &slot, message, slotMessageHandler, context.toOpaque(), 0)
        guard r >= 0, let slot else {
            context.release()
            if r == -ENOTCONN || r == -ECONNRESET || r == -EPIPE || sd_bus_is_open(bus) <= 0 {
                throw connectionLost("cannot \(what): \(String(cString: strerror(-r)))")
            }
            throw BusErrors.local(r, doing: what)
        }
        sd_bus_slot_set_destroy_callback(slot, slotDestroyed)
        sd_bus_slot_set_floating(slot, 1)
        sd_bus_slot_unref(slot)
        replyHandlers[token] = { [self] reply in
            if let error = sd_bus_message_get_error(reply) {
                // sd-bus answers pending calls itself with NoReply when the connection closes.
                let closing = executor.bus.map { sd_bus_is_open($0) <= 0 } ?? true
                fail(token, closing ? connectionLost("no reply to \(what)") : BusErrors.reply(error, doing: what))
            } else {
                onReply(BusMessageReader(message: reply))
            }
        }
    }

    /// Dispatches a message delivered to one of this manager's slots (on the bus thread).
    func handle(_ message: OpaquePointer, for kind: SlotContext.Kind) {
        switch kind {
        case .reply(let token):
            replyHandlers.removeValue(forKey: token)?(message)
        case .jobRemoved:
            handleJobRemoved(BusMessageReader(message: message))
        case .disconnected:
            // Inside sd_bus_process: fail what waits; the executor frees the connection after.
            connectionDropped(connectionLost("the manager closed the connection (it stopped or re-executed)"))
        case .propertiesChanged(let token):
            handlePropertiesChanged(BusMessageReader(message: message), token: token)
        case .unitNew(let token):
            handleUnitNew(BusMessageReader(message: message), token: token)
        }
    }
}
