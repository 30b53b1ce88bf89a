import ArgumentParser
import SpinCore

/// `spin vm get ID [--watch]`: one VM's record and live status.
struct VMGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a VM's record and its live status; --watch follows its state changes.",
        discussion: """
            JSON: {"vm": {…the record…}, "status": {…live status…}, "guest": {…}}; guest (a \
            running VM only) is what its guest agent says: agent answering, not-answering, busy \
            or no-channel, and when it answers the guest's hostname and addresses. spin vm list \
            never asks agents. With --watch, the VM is \
            printed, then a line for each state change until Ctrl-C (with --format json: the VM \
            on one line, then one vm.state event object per line, as spin events prints them).
            Example: spin vm get web --format json
            Example: spin vm get web --watch
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Flag(help: "Keep printing the VM's state changes until Ctrl-C.") var watch = false

    func run() async throws {
        guard watch else {
            let result = try await global.withReader { backend in try await backend.vmWithStatus(vm) }
            return try Output.emit(global, result) { VMText.detail(result.vm, result.status, guest: result.guest) }
        }
        try await global.withBackend(agents: false) { backend in
            // Subscribe first, so no change between the snapshot and the stream is lost.
            let events = try await backend.events(vm: vm)
            let current = try await backend.vmWithStatus(vm)
            if global.json {
                Output.line(String(decoding: try Output.encoder(pretty: false).encode(current), as: UTF8.self))
            } else {
                Output.line(VMText.detail(current.vm, current.status, guest: current.guest))
            }
            try await EventLines.follow(events, global) { $0.kind == .vmState && $0.vmID == current.vm.id }
        }
    }
}
