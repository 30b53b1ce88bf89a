import CSystemd

#if canImport(Glibc)
import Glibc
#endif

extension SystemdManager {
    /// Opens the connection on the executor thread, adds the signal matches, then subscribes.
    /// Also used to reconnect after a drop (see ``reconnectIfNeeded()``).
    func open() async throws(SpinError) {
        var bus: OpaquePointer?
        let r: Int32
        switch scope {
        case .user:
            r = openPrivate(&bus)
        case .userBus:
            r = sd_bus_open_user(&bus)
        case .system:
            r = sd_bus_open_system(&bus)
        }
        guard r >= 0, let bus else {
            if let bus { sd_bus_unref(bus) }
            throw BusErrors.local(r, doing: "connect to the systemd \(scope)")
        }
        executor.bus = bus
        // Matches first, so no JobRemoved can slip past a waiter.
        try addManagerMatch(path: Self.managerPath, interface: Self.managerInterface,
                            member: "JobRemoved", kind: .jobRemoved)
        try addManagerMatch(path: "/org/freedesktop/DBus/Local", interface: "org.freedesktop.DBus.Local",
                            member: "Disconnected", kind: .disconnected)
        // Signals reach private connections anyway; on a bus they need Subscribe.
        _ = try await callOnce("Subscribe", describing: "subscribe to the systemd \(scope)") { _ throws(SpinError) in () }
    }

    /// A peer-to-peer connection to `<runtime>/systemd/private`: no Hello, not a bus client.
    private func openPrivate(_ bus: inout OpaquePointer?) -> Int32 {
        guard let socket = scope.privateSocketPath else { return -EINVAL }
        var r = sd_bus_new(&bus)
        guard r >= 0, let created = bus else { return r }
        r = sd_bus_set_address(created, "unix:path=" + Self.escapeAddressValue(socket))
        if r >= 0 { r = sd_bus_set_bus_client(created, 0) }
        if r >= 0 { r = sd_bus_start(created) }
        if r < 0 {
            sd_bus_unref(created)
            bus = nil
        }
        return r
    }

    /// Escapes a D-Bus address value: bytes outside `[-0-9A-Za-z_/.\*]` become `%XX`.
    static func escapeAddressValue(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-_/.*".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private func addManagerMatch(path: String, interface: String, member: String,
                                 kind: SlotContext.Kind) throws(SpinError) {
        let slot = try addMatch(path: path, interface: interface, member: member, kind: kind)
        managerSlots.append(slot)
    }

    /// Adds a local signal match; returns the slot (one reference held by the caller).
    func addMatch(path: String, interface: String, member: String,
                  kind: SlotContext.Kind) throws(SpinError) -> OpaquePointer {
        let bus = try connectedBus()
        let context = Unmanaged.passRetained(SlotContext(manager: self, kind: kind))
        var slot: OpaquePointer?
        let r = sd_bus_match_signal(bus, &slot, nil, path, interface, member,
                                    slotMessageHandler, context.toOpaque())
        guard r >= 0, let slot else {
            context.release()
            throw BusErrors.local(r, doing: "watch \(interface).\(member) on \(path)", code: .internal)
        }
        sd_bus_slot_set_destroy_callback(slot, slotDestroyed)
        return slot
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
