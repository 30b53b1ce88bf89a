import Foundation
import SpinCore
import SpinHarness
import SpinQemu

/// The `spin` binary run inside a `NetworkNamespace` against one root, direct supervisor.
struct NamespacedCLI: Sendable {
    let binary: String
    let root: String
    let namespace: NetworkNamespace

    /// Runs `spin ARGS`; returns standard output, throws when it fails.
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["SPIN_ROOT"] = root
        environment["XDG_RUNTIME_DIR"] = ""
        let wrapper = namespace.wrapper
        let result = try await ProcessRunner.run(wrapper[0], Array(wrapper.dropFirst()) + [binary] + arguments, environment: environment, check: false)
        guard result.termination == .exited(0) else {
            throw BenchError("spin \(arguments.joined(separator: " ")) ended with \(result.termination): \(result.standardErrorText)")
        }
        return String(decoding: result.standardOutput, as: UTF8.self)
    }

    /// `vm get NAME --format json`.
    func vm(_ name: String) async throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(try await run(["vm", "get", name, "--format", "json"]).utf8)) as? [String: Any] else {
            throw BenchError("spin vm get \(name) printed no JSON object")
        }
        return object
    }

    /// What `vm get` says about the VM's accelerator (TCG or KVM, and why).
    func accelerator(_ name: String) async throws -> String {
        let text = try await run(["vm", "get", name])
        return text.split(separator: "\n").first { $0.lowercased().contains("accel") }.map(String.init) ?? "(not shown)"
    }
}

/// One started busybox guest: its serial shell and its NIC on the managed network, configured
/// with its reserved address (the guest's /init runs DHCP on its first NIC only).
struct BenchGuest {
    let name: String
    let shell: SerialShell
    let address: String

    /// Connects to the guest's console, waits for its shell and brings the bridge NIC up.
    static func attach(_ name: String, cli: NamespacedCLI) async throws -> BenchGuest {
        let object = try await cli.vm(name)
        let record = object["vm"] as? [String: Any]
        guard let id = record?["id"] as? Int, let nic = (record?["networks"] as? [[String: Any]])?.first,
            let address = nic["address"] as? String, let mac = nic["macAddress"] as? String
        else { throw BenchError("vm get \(name) shows no id or NIC on the managed network") }
        let socket = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: UInt64(id), environment: ["XDG_RUNTIME_DIR": ""]).serialSocket
        let shell = try SerialShell.connect(path: socket)
        try shell.waitForPrompt(timeout: .seconds(180))
        let setup = """
            for i in $(ls /sys/class/net); do [ "$(cat /sys/class/net/$i/address)" = "\(mac)" ] && IF=$i; done; \
            ip link set $IF up && ip addr add \(address)/24 dev $IF && echo NIC-$((1))-$IF
            """
        let output = try shell.run(setup)
        guard output.contains("NIC-1-") else { throw BenchError("guest \(name): no NIC with MAC \(mac): \(output.suffix(300))") }
        return BenchGuest(name: name, shell: shell, address: address)
    }
}
