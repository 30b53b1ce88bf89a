extension QMPClient {
    /// `query-status`: the run state.
    public func queryStatus() async throws -> QMPStatus {
        try await execute("query-status", as: QMPStatus.self)
    }

    /// `query-block`: block devices and their media.
    public func queryBlock() async throws -> [QMPBlockDevice] {
        try await execute("query-block", as: [QMPBlockDevice].self)
    }

    /// `query-chardev`: character devices (serial, QMP, …).
    public func queryChardev() async throws -> [QMPChardev] {
        try await execute("query-chardev", as: [QMPChardev].self)
    }

    /// `query-vnc`: the VNC server.
    public func queryVNC() async throws -> QMPVNCInfo {
        try await execute("query-vnc", as: QMPVNCInfo.self)
    }

    /// `cont`: resume the vCPUs (leaves `prelaunch` or `paused`).
    public func cont() async throws { try await execute("cont") }

    /// `stop`: pause the vCPUs.
    public func stop() async throws { try await execute("stop") }

    /// `system_powerdown`: press the ACPI power button (the guest decides what to do).
    public func systemPowerdown() async throws { try await execute("system_powerdown") }

    /// `system_reset`: hard reset.
    public func systemReset() async throws { try await execute("system_reset") }

    /// `quit`: QEMU exits at once. A connection that closes before the reply counts as success.
    public func quit() async throws {
        do {
            try await execute("quit")
        } catch QMPError.disconnected {
            return
        }
    }

    /// `screendump`: write the display to `filename` (PPM, or PNG when `format` is `"png"`).
    public func screendump(filename: String, format: String? = nil) async throws {
        var arguments: [String: JSON] = ["filename": .string(filename)]
        if let format { arguments["format"] = .string(format) }
        try await execute("screendump", arguments: .object(arguments))
    }

    /// `device_add`: hot-plug a device of `driver` with `id` and extra `properties`.
    public func deviceAdd(driver: String, id: String, properties: [String: JSON] = [:]) async throws {
        var arguments = properties
        arguments["driver"] = .string(driver)
        arguments["id"] = .string(id)
        try await execute("device_add", arguments: .object(arguments))
    }

    /// `device_del`: ask the guest to release device `id` (completion is a `DEVICE_DELETED` event).
    public func deviceDel(id: String) async throws {
        try await execute("device_del", arguments: ["id": .string(id)])
    }

    /// `blockdev-add` with the given options (e.g. `["driver": "qcow2", "node-name": …]`).
    public func blockdevAdd(_ options: [String: JSON]) async throws {
        try await execute("blockdev-add", arguments: .object(options))
    }

    /// `blockdev-del`: remove the block node `nodeName`.
    public func blockdevDel(nodeName: String) async throws {
        try await execute("blockdev-del", arguments: ["node-name": .string(nodeName)])
    }
}
