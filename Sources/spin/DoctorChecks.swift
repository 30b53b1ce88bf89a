import Foundation
import SpinCore
import SpinQemu

/// The checks behind `spin doctor`, each independent of the others.
struct DoctorChecks {
    /// The data root being checked.
    let root: SpinRoot
    private let install = "install qemu-system-x86 and qemu-utils (scripts/install-deps does)"

    /// Every check, in the order printed.
    /// - Parameter openSpin: the SDK when this process has it open already (a store is
    ///   opened once per process); nil opens it here, so that a failure becomes a check.
    func all(openSpin: Spin? = nil) async -> [Doctor.Check] {
        var checks: [Doctor.Check] = []
        let binary = try? QemuBinary.discover()
        checks.append(await qemu(binary))
        checks.append(await qemuImg())
        let choice = AcceleratorProbe().choose(.auto)
        checks.append(Doctor.Check(name: "accelerator", ok: true, detail: "\(choice.accelerator.rawValue): \(choice.reason)", fix: nil))
        checks.append(contentsOf: await storeAndSupervisor(openSpin))
        checks.append(runtime())
        checks.append(qemuUser())
        return checks
    }

    /// Who qemu runs as: spin's own user, or (spin as root) the unprivileged qemu user.
    private func qemuUser() -> Doctor.Check {
        do {
            let user = try QemuUser.resolve(name: SpinOptions.default.qemuUser)
            let how = user.isOtherUser ? "unprivileged; gets each VM's own files" : "spin's own user"
            return Doctor.Check(name: "qemu-user", ok: true, detail: "\(user) (\(how))", fix: nil)
        } catch {
            return Doctor.Check(name: "qemu-user", ok: false, detail: error.message, fix: "sudo spin-server setup")
        }
    }

    private func qemu(_ binary: QemuBinary?) async -> Doctor.Check {
        guard let binary else {
            return Doctor.Check(name: "qemu", ok: false, detail: "qemu-system-x86_64 not found on PATH", fix: install)
        }
        let version = (try? await binary.version()).map { "QEMU \($0)" } ?? "version unknown"
        return Doctor.Check(name: "qemu", ok: true, detail: "\(binary.systemPath) (\(version))", fix: nil)
    }

    private func qemuImg() async -> Doctor.Check {
        guard let binary = try? QemuBinary.discover() else {
            return Doctor.Check(name: "qemu-img", ok: false, detail: "qemu-img not found on PATH", fix: install)
        }
        let output = (try? await ProcessRunner.run(binary.imgPath, ["--version"]))?.standardOutputText ?? ""
        let first = output.split(separator: "\n").first.map(String.init) ?? "version unknown"
        return Doctor.Check(name: "qemu-img", ok: true, detail: "\(binary.imgPath) (\(first))", fix: nil)
    }

    private func storeAndSupervisor(_ openSpin: Spin?) async -> [Doctor.Check] {
        do {
            let kind: SupervisorKind
            if let openSpin {
                kind = openSpin.supervisorKind
            } else {
                let spin = try await Spin.open(root: root, options: SpinOptions(runsAgents: false))
                kind = spin.supervisorKind
                await spin.close()
            }
            let supervisor = kind == .systemd
                ? "systemd manager reachable: one unit per VM"
                : "direct: no systemd manager reachable, VMs run as daemonized qemu processes tracked by pidfile and QMP"
            return [
                Doctor.Check(name: "supervisor", ok: true, detail: supervisor, fix: nil),
                Doctor.Check(name: "store", ok: true, detail: "\(root.storePath) (\(storeSize()) KiB)", fix: nil),
            ]
        } catch {
            let message = (error as? SpinError)?.message ?? "\(error)"
            return [Doctor.Check(name: "store", ok: false, detail: "cannot open \(root.storePath): \(message)", fix: "check the path and its permissions, or pick another with --root")]
        }
    }

    private func storeSize() -> UInt64 {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.storePath)) ?? []
        let bytes = files.compactMap { try? FileManager.default.attributesOfItem(atPath: root.storePath + "/" + $0)[.size] as? UInt64 }.reduce(0, +)
        return bytes >> 10
    }

    private func runtime() -> Doctor.Check {
        let paths = RuntimePaths(root: root, vmID: 0)
        let directory = paths.rootDirectory
        do {
            try paths.verify()
        } catch {
            return Doctor.Check(name: "runtime", ok: false, detail: error.message, fix: "remove the directory if it is not yours, or set SPIN_RUNTIME_DIR to a private directory")
        }
        do {
            guard FileManager.default.fileExists(atPath: directory) else {
                return Doctor.Check(name: "runtime", ok: true, detail: "\(directory) (sockets; made at the first start)", fix: nil)
            }
            let probe = directory + "/.doctor-probe"
            guard FileManager.default.createFile(atPath: probe, contents: Data()) else { throw POSIXError(.EACCES) }
            try FileManager.default.removeItem(atPath: probe)
            return Doctor.Check(name: "runtime", ok: true, detail: "\(directory) (sockets; writable)", fix: nil)
        } catch {
            return Doctor.Check(name: "runtime", ok: false, detail: "\(directory) is not writable", fix: "set SPIN_RUNTIME_DIR to a short writable directory")
        }
    }
}
