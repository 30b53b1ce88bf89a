import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinCore

/// `/v1/health`, `/v1/host` (the `doctor` report) and `/metrics`.
extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok, version: SpinVersion.current))))
    }

    func getHost(_ input: Operations.GetHost.Input) async throws -> Operations.GetHost.Output {
        let choice = spin.emulation.planner.facts.acceleratorChoice(.auto, fresh: true)
        let checks = await spin.hostChecks()
        let hasNoVNC = FileManager.default.fileExists(atPath: options.novncPath + "/vnc.html")
        let novnc = HostCheck(
            name: "novnc", ok: hasNoVNC, detail: options.novncPath + (hasNoVNC ? " (browser console)" : " has no vnc.html"),
            fix: hasNoVNC ? nil : "install Debian's novnc, or point spin-server at it with --novnc DIR")
        return .ok(.init(body: .json(.init(
            version: SpinVersion.current, root: spin.root.path,
            supervisor: spin.supervisorKind == .systemd ? .systemd : .direct,
            accelerator: choice.accelerator.rawValue, acceleratorReason: choice.reason,
            checks: checks.map(Components.Schemas.HostCheck.init), novnc: .init(novnc)))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        let vms = try await call { try await spin.listVMs() }
        let statuses = await spin.statuses(vms)
        metrics.recordVMs(vms.map { statuses[$0.id]?.state ?? .stopped })
        return .ok(.init(body: .plainText(HTTPBody(metrics.render()))))
    }
}
