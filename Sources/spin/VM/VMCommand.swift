import ArgumentParser
import Foundation
import SpinCore

/// `spin vm …`: create, list, inspect, change and delete VMs.
struct VMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vm",
        abstract: "Create, clone, list, inspect, change and delete virtual machines.",
        discussion: "Example: spin vm list",
        subcommands: [VMCreate.self, VMClone.self, VMList.self, VMGet.self, VMUpdate.self, VMDelete.self, VMImageCommand.self]
    )
}

/// How VMs look in text output.
enum VMText {
    /// `80:127.0.0.1:8080,53:[::1]:5353/udp`, or `-`.
    static func ports(_ vm: VM) -> String {
        vm.ports.isEmpty ? "-" : vm.ports.map(\.description).joined(separator: ",")
    }

    /// The state column: `running`, or `unknown` when the status could not be read.
    static func state(_ status: VMStatus?) -> String { status?.state.rawValue ?? "unknown" }

    /// One VM as `key: value` lines (the text of `spin vm get`), with what its guest agent
    /// says when it runs.
    static func detail(_ vm: VM, _ status: VMStatus?, guest: GuestInfo? = nil) -> String {
        var pairs: [(String, String)] = [
            ("id", String(vm.id)), ("name", vm.name), ("state", state(status)), ("cpus", String(vm.cpus)),
            ("memory", "\(vm.memoryMiB) MiB"), ("ports", ports(vm)), ("autostart", vm.autostart ? "yes" : "no"),
        ]
        if let mac = vm.macAddress { pairs.append(("mac", mac)) }
        if vm.firmware != .bios { pairs.append(("firmware", vm.firmware.rawValue)) }
        for (index, nic) in vm.networks.enumerated() {
            pairs.append(("network \(index)", "\(nic.network) mac \(nic.macAddress ?? "-") " + (nic.address.map { "address \($0)" } ?? "(external bridge: no reserved address)")))
        }
        for (index, attachment) in vm.storage.enumerated() {
            switch attachment {
            case .disk(let volume, let image): pairs.append(("drive \(index)", "disk \(volume)/\(image)"))
            case .cdrom(let path): pairs.append(("drive \(index)", "cdrom \(path)"))
            }
        }
        for (index, mount) in vm.mounts.enumerated() {
            pairs.append(("mount \(index)", "\(mount.hostPath) -> \(mount.guestPath)\(mount.readOnly ? " (read-only)" : "") virtiofs tag \(SharedFolder.tag(index: index))"))
        }
        if let kernel = vm.kernel {
            pairs.append(("kernel", kernel.kernel))
            if let initrd = kernel.initrd { pairs.append(("initrd", initrd)) }
            if let append = kernel.append { pairs.append(("append", append)) }
        }
        if let settings = vm.cloudInit {
            let keys = settings.authorizedKeys.count == 1 ? "1 SSH key" : "\(settings.authorizedKeys.count) SSH keys"
            let data = settings.userData == nil ? "" : ", own user-data"
            pairs.append(("cloud-init", "user \(settings.userName), \(keys)\(data), instance \(settings.instanceID ?? "-")"))
        }
        if let forward = vm.sshForward { pairs.append(("ssh", "spin ssh \(vm.name) (\(forward.hostAddress):\(forward.hostPort))")) }
        if let guest {
            let agent = guest.agent.rawValue.replacingOccurrences(of: "-", with: " ")
            pairs.append(("agent", agent + (guest.detail.map { " (\($0))" } ?? "")))
            if let hostname = guest.hostname { pairs.append(("hostname", hostname)) }
            if !guest.addresses.isEmpty {
                pairs.append(("addresses", guest.addresses.map { "\($0.address) (\($0.interface), agent)" }.joined(separator: ", ")))
            }
        }
        if let status {
            pairs.append(("process", status.process.detail))
            pairs.append(("supervisor", status.supervisor.rawValue))
            if let accelerator = status.accelerator {
                pairs.append(("accelerator", accelerator + (status.acceleratorReason.map { " (\($0))" } ?? "")))
            }
        }
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        let lines = pairs.map { ($0.0 + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + $0.1 }
        return lines.joined(separator: "\n")
    }
}
