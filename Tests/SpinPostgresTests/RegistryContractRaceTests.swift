import Foundation
import SpinCore
import SpinModel
import Testing

/// Two registries on one store racing for what must be unique: exactly one wins, the others
/// get the message a lone call gives, and what does not clash all goes through.
@Suite("Registry contract on both stores: races", .serialized)
struct RegistryContractRaceTests {
    /// Runs `count` calls of `body` at once, alternating between the fixture's two registries;
    /// returns the successes and the errors.
    private func race<R: Sendable>(
        _ f: RegistryFixture, _ count: Int, _ body: @escaping @Sendable (any RegistryStore, Int) async throws -> R
    ) async -> (won: [R], lost: [SpinError]) {
        let registries = [f.registry, f.other]
        return await withTaskGroup(of: Result<R, SpinError>.self) { group in
            for index in 0..<count {
                let registry = registries[index % 2]
                group.addTask {
                    do { return .success(try await body(registry, index)) } catch let error as SpinError { return .failure(error) } catch {
                        return .failure(SpinError(.internal, "\(error)"))
                    }
                }
            }
            var won: [R] = [], lost: [SpinError] = []
            for await result in group {
                switch result {
                case .success(let value): won.append(value)
                case .failure(let error): lost.append(error)
                }
            }
            return (won, lost)
        }
    }

    @Test("8 concurrent creates of one name through two registries: exactly one wins, the others are told who has it", arguments: StoreKind.allCases)
    func sameName(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let (won, lost) = await race(f, 8) { registry, _ in try await registry.createVM(VMSpec(name: "web")) }
            #expect(won.count == 1 && lost.count == 7)
            let winner = try #require(won.first)
            for error in lost {
                #expect(error.code == .conflict && error.message == "name \"web\" is taken by VM \(winner.id); choose another name", "\(error.message)")
            }
            #expect(try await f.registry.listVMs() == [winner])
        }
    }

    @Test("8 concurrent creates forwarding one host port, wildcard and specific addresses mixed: exactly one wins", arguments: StoreKind.allCases)
    func sameHostPort(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let (won, lost) = await race(f, 8) { registry, index in
                try await registry.createVM(VMSpec(name: "vm\(index)", ports: [port(index % 2 == 0 ? "0.0.0.0" : "127.0.0.1")]))
            }
            #expect(won.count == 1 && lost.count == 7)
            let winner = try #require(won.first)
            for refusal in lost {
                #expect(refusal.code == .conflict && refusal.message.contains("clashes with VM \(winner.id)"), "\(refusal.message)")
            }
            let vms = try await f.other.listVMs()
            #expect(vms == [winner])
        }
    }

    @Test("8 concurrent creates on one network through two registries all get distinct addresses", arguments: StoreKind.allCases)
    func addresses(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            try await f.registry.createNetwork(Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), bridge: "spinbr0"))
            let (won, lost) = await race(f, 8) { registry, index in
                try await registry.createVM(VMSpec(name: "vm\(index)", networks: [NetworkAttachment(network: "lan")]))
            }
            #expect(lost.isEmpty, "\(lost.map(\.message))")
            #expect(Set(won.compactMap { $0.networks.first?.address }).count == 8)
            #expect(Set(won.compactMap { $0.networks.first?.macAddress }).count == 8)
            #expect(try await f.other.networkUsers("lan").count == 8)
        }
    }

    @Test("8 concurrent volume creates on one path: exactly one wins", arguments: StoreKind.allCases)
    func samePath(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            let (won, lost) = await race(f, 8) { registry, index in try await registry.createVolume(name: "v\(index)", path: "/srv/shared") }
            #expect(won.count == 1 && lost.count == 7)
            for refusal in lost {
                #expect(refusal.code == .conflict && refusal.message.contains("path \"/srv/shared\" already belongs to volume"), "\(refusal.message)")
            }
        }
    }
}

extension RegistryContractRaceTests {
    @Test("a network deleted while VMs join it: either it stays with every VM that joined, or it is gone and the late VMs were refused", arguments: StoreKind.allCases)
    func deleteWhileJoining(kind: StoreKind) async throws {
        try await withRegistry(kind) { f in
            try await f.registry.createNetwork(Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), bridge: "spinbr0"))
            let registries = [f.registry, f.other]
            let outcome = await withTaskGroup(of: (joined: VM?, deleted: Bool, error: SpinError?).self) { group in
                for index in 0..<6 {
                    let registry = registries[index % 2]
                    group.addTask {
                        do {
                            if index == 3 { _ = try await registry.deleteNetwork("lan"); return (nil, true, nil) }
                            return (try await registry.createVM(VMSpec(name: "vm\(index)", networks: [NetworkAttachment(network: "lan")])), false, nil)
                        } catch { return (nil, false, error as? SpinError ?? SpinError(.internal, "\(error)")) }
                    }
                }
                var results: [(joined: VM?, deleted: Bool, error: SpinError?)] = []
                for await result in group { results.append(result) }
                return results
            }
            let joined = outcome.compactMap(\.joined)
            let deleted = outcome.contains { $0.deleted }
            let vms = try await f.other.listVMs()
            #expect(Set(vms.map(\.id)) == Set(joined.map(\.id)), "every VM the registry acknowledged exists, and no other")
            if deleted {
                #expect(joined.isEmpty, "a network with VMs on it is never deleted")
                #expect(try await f.other.listNetworks().isEmpty)
                for error in outcome.compactMap(\.error) { #expect(error.code == .notFound, "\(error.message)") }
            } else {
                #expect(try await f.other.networkUsers("lan").count == joined.count)
                for error in outcome.compactMap(\.error) {
                    #expect(error.code == .failedPrecondition && error.message.contains("network \"lan\" is used by"), "\(error.message)")
                }
            }
        }
    }
}
