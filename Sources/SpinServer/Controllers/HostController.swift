import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinCore
import SpinQemu

/// `/v1/health`, `/v1/host` (the `doctor` report) and `/metrics`.
extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok, version: SpinVersion.current))))
    }

    func getHost(_ input: Operations.GetHost.Input) async throws -> Operations.GetHost.Output {
        let choice = spin.options.acceleratorProbe.choose()
        let binary = try? QemuBinary.discover(systemOverride: spin.options.qemuSystemPath, imgOverride: spin.options.qemuImgPath)
        let checks: [Components.Schemas.HostCheck] = [
            .init(name: "qemu-system", ok: binary != nil, detail: binary?.systemPath ?? "not found; install qemu-system-x86"),
            .init(name: "qemu-img", ok: binary != nil, detail: binary?.imgPath ?? "not found; install qemu-utils"),
            .init(name: "accelerator", ok: true, detail: "\(choice.accelerator.rawValue): \(choice.reason)"),
            .init(name: "supervisor", ok: true, detail: spin.supervisorKind.rawValue),
            .init(
                name: "novnc", ok: FileManager.default.fileExists(atPath: options.novncPath + "/vnc.html"),
                detail: options.novncPath + (FileManager.default.fileExists(atPath: options.novncPath + "/vnc.html") ? "" : " missing; install novnc")),
            .init(name: "store", ok: FileManager.default.isWritableFile(atPath: spin.root.path), detail: spin.root.storePath),
        ]
        return .ok(.init(body: .json(.init(
            version: SpinVersion.current, root: spin.root.path,
            supervisor: spin.supervisorKind == .systemd ? .systemd : .direct,
            accelerator: choice.accelerator.rawValue, acceleratorReason: choice.reason, checks: checks))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        let vms = try await call { try spin.listVMs() }
        let statuses = await spin.statuses(vms)
        metrics.recordVMs(vms.map { statuses[$0.id]?.state ?? .stopped })
        return .ok(.init(body: .plainText(HTTPBody(metrics.render()))))
    }
}
