import Foundation
import SpinModel

extension Components.Schemas.VMStatus {
    /// The wire form of a live status.
    public init(_ status: VMStatus) {
        self.init(
            vmID: Convert.signed(status.vmID), state: Components.Schemas.VMState(rawValue: status.state.rawValue) ?? .stopped,
            qmpStatus: status.qmpStatus, process: .init(status.process),
            supervisor: status.supervisor == .systemd ? .systemd : .direct,
            accelerator: status.accelerator, acceleratorReason: status.acceleratorReason)
    }

    /// The SDK's live status.
    public func model() throws -> VMStatus { try Convert.transcode(self) }
}

extension Components.Schemas.ProcessStatus {
    /// The wire form of what a supervisor reported.
    public init(_ process: ProcessStatus) {
        self.init(
            state: StatePayload(rawValue: process.state.rawValue) ?? .stopped, pid: process.pid,
            exitStatus: process.exitStatus, signal: process.signal, detail: process.detail)
    }

}

extension Components.Schemas.Event {
    /// The wire form of a live event.
    public init(_ event: SpinEvent) {
        self.init(
            kind: KindPayload(rawValue: event.kind.rawValue) ?? .package, time: event.time, vmID: event.vmID.map(Convert.signed),
            state: event.state, previousState: event.previousState, package: event.package.map(Convert.signed),
            command: event.command?.uuidString, resource: event.resource)
    }
}

extension Components.Schemas.HostCheck {
    /// The wire form of a host check.
    public init(_ check: HostCheck) {
        self.init(name: check.name, ok: check.ok, detail: check.detail, fix: check.fix)
    }

    /// The SDK's host check.
    public var model: HostCheck { HostCheck(name: name, ok: ok, detail: detail, fix: fix) }
}
