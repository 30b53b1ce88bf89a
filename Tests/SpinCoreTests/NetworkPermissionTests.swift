import Foundation
@testable import SpinCore
import SpinStore
import Testing

@Suite("Facade: a server without --allow-networks does not touch the host's networks")
struct NetworkPermissionTests {
    @Test("create and delete are forbidden (403) when the instance does not manage networks; bad input is still a 400 first; nothing is recorded")
    func forbidden() async throws {
        var template = Array("/tmp/spin-netperm-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = SpinOptions(supervisor: .direct)
        options.managesNetworks = false
        let spin = try await Spin.open(root: SpinRoot(explicit: directory + "/root"), options: options)
        do {
            await #expect(throws: SpinError.self) { try await spin.createNetwork(NetworkSpec(name: "lan", subnet: "10.77.0.1/24")) }
            do {
                _ = try await spin.createNetwork(NetworkSpec(name: "lan", subnet: "10.77.0.0/24"))
                Issue.record("created a network without managesNetworks")
            } catch let error as SpinError {
                #expect(error.code == .forbidden && error.message.contains("--allow-networks"))
            }
            #expect(try await spin.listNetworks().isEmpty)
            try await spin.registry.createNetwork(Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.213.7.0/24"), bridge: "spnotabridge9"))
            await #expect(throws: SpinError.self) { try await spin.deleteNetwork("lan") }
            #expect(try await spin.listNetworks().count == 1)
        }
        await spin.close()
    }
}
