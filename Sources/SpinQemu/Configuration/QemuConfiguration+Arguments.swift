extension QemuConfiguration {
    /// Validates the configuration and returns QEMU's argv (without the executable).
    ///
    /// - Throws: ``QemuConfigurationError`` for anything QEMU would reject.
    public func arguments() throws(QemuConfigurationError) -> [String] {
        try validate()
        var arguments = baseArguments()
        arguments += machineArguments()
        arguments += cpuArguments()
        arguments += firmware?.qemuArguments() ?? []
        arguments += storageArguments()
        arguments += seed?.qemuArguments() ?? []
        arguments += bootOrder.qemuArguments()
        arguments += directBoot?.qemuArguments() ?? []
        arguments += network?.qemuArguments(index: 0) ?? []
        for (index, tap) in taps.enumerated() { arguments += tap.qemuArguments(index: index) }
        for (index, nic) in bridges.enumerated() { arguments += nic.qemuArguments(index: index) }
        arguments += serial?.qemuArguments() ?? []
        arguments += guestAgent?.qemuArguments() ?? []
        for (index, share) in fileShares.enumerated() { arguments += share.qemuArguments(index: index) }
        arguments += controlArguments()
        arguments += sandboxArguments()
        return arguments + extraArguments
    }

    /// `-name`, no user config, no default devices, no display, `-no-reboot`.
    func baseArguments() -> [String] {
        var arguments = ["-name", QemuOption.list([("guest", name)]), "-no-user-config", "-nodefaults", "-display", "none"]
        if noReboot { arguments.append("-no-reboot") }
        return arguments
    }

    /// `-machine q35 -accel tcg`; with file shares, the RAM is a shared memfd backend
    /// (`-object memory-backend-memfd,share=on`) that vhost-user daemons can map.
    func machineArguments() -> [String] {
        guard !fileShares.isEmpty else {
            return ["-machine", QemuOption.list([("type", machine)]), "-accel", accelerator.rawValue]
        }
        return [
            "-object", QemuOption.list("memory-backend-memfd", [("id", "ram0"), ("size", "\(memoryMiB)M"), ("share", "on")]),
            "-machine", QemuOption.list([("type", machine), ("memory-backend", "ram0")]), "-accel", accelerator.rawValue,
        ]
    }

    /// `-cpu max -smp N -m MiB`.
    func cpuArguments() -> [String] {
        ["-cpu", cpuModel ?? accelerator.defaultCPUModel, "-smp", String(cpuCount), "-m", String(memoryMiB)]
    }

    /// Disks then CD-ROMs; IDE devices take AHCI ports `ide.0`, `ide.1`, … in that order.
    func storageArguments() -> [String] {
        var arguments: [String] = []
        var nextBus = 0
        for (index, disk) in disks.enumerated() {
            arguments += disk.qemuArguments(index: index, ideBus: disk.interface == .ide ? nextBus : nil)
            if disk.interface == .ide { nextBus += 1 }
        }
        for (index, cdrom) in cdroms.enumerated() {
            arguments += cdrom.qemuArguments(index: index, ideBus: nextBus)
            nextBus += 1
        }
        return arguments
    }

    /// QMP monitor, VNC, pidfile, `-daemonize`.
    func controlArguments() -> [String] {
        var arguments: [String] = []
        if let qmpSocketPath {
            arguments += [
                "-chardev", QemuOption.list("socket", [("id", "qmp"), ("path", qmpSocketPath), ("server", "on"), ("wait", "off")]),
                "-mon", "chardev=qmp,mode=control",
            ]
        }
        // -nodefaults removes the VGA card; VNC needs one to show anything but "no display".
        if let vncSocketPath { arguments += ["-vnc", "unix:" + QemuOption.escape(vncSocketPath), "-device", "VGA"] }
        if let pidFilePath { arguments += ["-pidfile", pidFilePath] }
        if daemonize { arguments.append("-daemonize") }
        return arguments
    }

    /// The seccomp sandbox. With `-daemonize`, `spawn=deny` and `elevateprivileges=deny` are left
    /// out: QEMU forks and calls `setsid` after installing the filter and would kill itself.
    func sandboxArguments() -> [String] {
        guard sandbox else { return [] }
        if daemonize { return ["-sandbox", "on,obsolete=deny,resourcecontrol=deny"] }
        return ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]
    }
}
