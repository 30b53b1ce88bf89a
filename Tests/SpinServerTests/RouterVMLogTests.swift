import Foundation
import Hummingbird
import HummingbirdTesting
import SpinCore
import Testing

@Suite("Router: a VM's serial log by offset")
struct RouterVMLogTests {
    @Test("the log comes in chunks from an offset; no log is 404, bad ranges are 400")
    func chunks() async throws {
        try await ServerFixture.with(runsAgents: true) { fixture in
            let vm = try await fixture.spin.createVM(VMSpec(name: "web"))
            try await fixture.withRouter { client in
                let missing = try await client.send(.get, "/v1/vms/web/log")
                #expect(missing.status == 404 && missing.errorCode == "not_found", "\(missing.text)")
                #expect(missing.text.contains("has not run"))
                #expect(try await client.send(.get, "/v1/vms/ghost/log").status == 404)

                // What qemu's serial chardev appends (the file the VM's runs share).
                let log = RuntimePaths(root: fixture.root, vmID: vm.id).serialLog
                try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try "boot line 1\nSPIN-GUEST-READY\n".write(toFile: log, atomically: true, encoding: .utf8)

                let whole = try await client.send(.get, "/v1/vms/\(vm.id)/log")
                #expect(whole.status == 200 && whole.text == "boot line 1\nSPIN-GUEST-READY\n")
                let first = try await client.send(.get, "/v1/vms/web/log?maxBytes=5")
                #expect(first.text == "boot ")
                let rest = try await client.send(.get, "/v1/vms/web/log?offset=5")
                #expect(rest.text == "line 1\nSPIN-GUEST-READY\n")
                let end = try await client.send(.get, "/v1/vms/web/log?offset=999")
                #expect(end.status == 200 && end.text.isEmpty)

                #expect(try await client.send(.get, "/v1/vms/web/log?maxBytes=0").status == 400)
                #expect(try await client.send(.get, "/v1/vms/web/log?maxBytes=2000000").status == 400)
                #expect(try await client.send(.get, "/v1/vms/web/log?offset=-1").status == 400)
                #expect(try await client.send(.get, "/v1/vms/web/log?offset=abc").status == 400)
            }
        }
    }
}
