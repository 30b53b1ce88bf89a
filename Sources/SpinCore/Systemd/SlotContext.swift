import CSystemd

/// What a callback registered with sd-bus is for; passed to C as retained userdata and released
/// by the slot's destroy callback, so it lives exactly as long as the slot.
final class SlotContext: @unchecked Sendable {
    enum Kind {
        case reply(token: UInt64)
        case jobRemoved
        case disconnected
        case propertiesChanged(token: UInt64)
        case unitNew(token: UInt64)
    }

    /// Weak: callbacks may still run while the connection shuts down after the manager is gone.
    weak var manager: SystemdManager?
    let kind: Kind

    init(manager: SystemdManager, kind: Kind) {
        self.manager = manager
        self.kind = kind
    }
}

/// The one message handler sd-bus calls; routes to the manager on its executor thread.
let slotMessageHandler: sd_bus_message_handler_t = { message, userdata, _ in
    guard let message, let userdata else { return 0 }
    let context = Unmanaged<SlotContext>.fromOpaque(userdata).takeUnretainedValue()
    guard let manager = context.manager else { return 0 }
    let kind = context.kind
    // sd_bus_process runs on the manager's executor thread (see BusExecutor), and the message
    // is used only during this call.
    nonisolated(unsafe) let borrowed = message
    manager.assumeIsolated { $0.handle(borrowed, for: kind) }
    return 0
}

/// Releases a slot's context when sd-bus frees the slot.
let slotDestroyed: sd_bus_destroy_t = { userdata in
    guard let userdata else { return }
    Unmanaged<SlotContext>.fromOpaque(userdata).release()
}
