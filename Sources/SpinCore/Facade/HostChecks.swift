import Foundation
import SpinQemu

/// The checks of the host that runs the VMs, each independent of the others: what `spin
/// doctor` prints and `GET /v1/host` returns (``Spin/hostChecks()``), under the same names.
public struct HostChecks: Sendable {
    /// The data root being checked.
    public let root: SpinRoot
    /// The options the SDK runs with (qemu paths, accelerator probe, qemu user).
    public let options: SpinOptions
    /// Checks `root` as a `Spin` opened with `options` would use it.
    public init(root: SpinRoot, options: SpinOptions = .default) {
        self.root = root
        self.options = options
    }

    private var readOnlyOptions: SpinOptions {
        var options = options
        options.runsAgents = false
        return options
    }

    private let install = "install qemu-system-x86 and qemu-utils (scripts/install-deps does)"

    /// Every check, in the order printed.
    /// - Parameter openSpin: the SDK when this process has it open already (a store is
    ///   opened once per process); nil opens it here, so that a failure becomes a check.
    public func all(openSpin: Spin? = nil) async -> [HostCheck] {
        var checks: [HostCheck] = []
        // The store first (it makes the root), so the host facts probed below are kept there.
        let storeAndSupervisor = await storeAndSupervisor(openSpin)
        let binary = try? QemuBinary.discover(systemOverride: options.qemuSystemPath, imgOverride: options.qemuImgPath)
        let facts = binary.map { openSpin?.emulation.planner.facts ?? HostFactsCache(root: root, writes: true, binary: $0, probe: options.acceleratorProbe, bootIDFile: options.bootIDFile) }
        checks.append(await qemu(binary, facts))
        checks.append(await qemuImg(binary))
        let choice = facts?.acceleratorChoice(.auto, fresh: true) ?? options.acceleratorProbe.choose(.auto)
        checks.append(HostCheck(name: "accelerator", ok: true, detail: "\(choice.accelerator.rawValue): \(choice.reason)"))
        checks.append(contentsOf: storeAndSupervisor)
        checks.append(runtime())
        checks.append(qemuUser())
        return checks
    }

    /// Who qemu runs as: spin's own user, or (spin as root) the unprivileged qemu user.
    private func qemuUser() -> HostCheck {
        do {
            let user = try QemuUser.resolve(name: options.qemuUser)
            let how = user.isOtherUser ? "unprivileged; gets each VM's own files" : "spin's own user"
            return HostCheck(name: "qemu-user", ok: true, detail: "\(user) (\(how))")
        } catch {
            return HostCheck(name: "qemu-user", ok: false, detail: error.message, fix: "sudo spin-server setup")
        }
    }

    /// The emulator and its version (from the host facts: probed once per binary).
    private func qemu(_ binary: QemuBinary?, _ facts: HostFactsCache?) async -> HostCheck {
        guard let binary, let facts else {
            return HostCheck(name: "qemu", ok: false, detail: "qemu-system-x86_64 not found on PATH", fix: install)
        }
        let version = await facts.qemuVersion().map { "QEMU \($0)" } ?? "version unknown"
        return HostCheck(name: "qemu", ok: true, detail: "\(binary.systemPath) (\(version))")
    }

    private func qemuImg(_ binary: QemuBinary?) async -> HostCheck {
        guard let binary else {
            return HostCheck(name: "qemu-img", ok: false, detail: "qemu-img not found on PATH", fix: install)
        }
        let output = (try? await ProcessRunner.run(binary.imgPath, ["--version"]))?.standardOutputText ?? ""
        let first = output.split(separator: "\n").first.map(String.init) ?? "version unknown"
        return HostCheck(name: "qemu-img", ok: true, detail: "\(binary.imgPath) (\(first))")
    }

    private func storeAndSupervisor(_ openSpin: Spin?) async -> [HostCheck] {
        do {
            let kind: SupervisorKind
            if let openSpin {
                kind = openSpin.supervisorKind
            } else {
                let spin = try await Spin.open(root: root, options: readOnlyOptions)
                kind = spin.supervisorKind
                await spin.close()
            }
            let supervisor = kind == .systemd
                ? "systemd manager reachable: one unit per VM"
                : "direct: no systemd manager reachable, VMs run as daemonized qemu processes tracked by pidfile and QMP"
            return [
                HostCheck(name: "supervisor", ok: true, detail: supervisor),
                HostCheck(name: "store", ok: true, detail: "\(root.storePath) (\(storeSize()) KiB)"),
            ]
        } catch {
            let message = (error as? SpinError)?.message ?? "\(error)"
            return [HostCheck(name: "store", ok: false, detail: "cannot open \(root.storePath): \(message)", fix: "check the path and its permissions, or pick another with --root")]
        }
    }

    private func storeSize() -> UInt64 {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.storePath)) ?? []
        let bytes = files.compactMap { try? FileManager.default.attributesOfItem(atPath: root.storePath + "/" + $0)[.size] as? UInt64 }.reduce(0, +)
        return bytes >> 10
    }

    private func runtime() -> HostCheck {
        let paths = RuntimePaths(root: root, vmID: 0)
        let directory = paths.rootDirectory
        do {
            try paths.verify()
        } catch {
            return HostCheck(name: "runtime", ok: false, detail: error.message, fix: "remove the directory if it is not yours, or set SPIN_RUNTIME_DIR to a private directory")
        }
        do {
            guard FileManager.default.fileExists(atPath: directory) else {
                return HostCheck(name: "runtime", ok: true, detail: "\(directory) (sockets; made at the first start)")
            }
            let probe = directory + "/.doctor-probe"
            guard FileManager.default.createFile(atPath: probe, contents: Data()) else { throw POSIXError(.EACCES) }
            try FileManager.default.removeItem(atPath: probe)
            return HostCheck(name: "runtime", ok: true, detail: "\(directory) (sockets; writable)")
        } catch {
            return HostCheck(name: "runtime", ok: false, detail: "\(directory) is not writable", fix: "set SPIN_RUNTIME_DIR to a short writable directory")
        }
    }
}

extension Spin {
    /// The checks of this host (`spin doctor`, `GET /v1/host`).
    public func hostChecks() async -> [HostCheck] {
        await HostChecks(root: root, options: options).all(openSpin: self)
    }
}
