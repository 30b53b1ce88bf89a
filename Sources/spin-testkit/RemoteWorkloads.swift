import Foundation
import Logging
import PostgresNIO
import SpinClient
import SpinCore
import SpinModel
import SpinPostgres

/// Agents that reach the broker only through a spin server's HTTP API, as remote agents do.
enum RemoteWorkloads {
    /// `pg-remote-serve URL SOCKET RUNNERS IDLE_MS`: runs RUNNERS loops taking `emulation`
    /// commands from the spin server on unix socket SOCKET until none came for IDLE_MS, then
    /// prints `ran N`. Each delivery is counted in the database at URL (`test_deliveries`),
    /// each effect recorded once (`test_effects`, keyed by the command id).
    static func serve(_ arguments: [String]) async throws {
        guard arguments.count == 5, let runners = Int(arguments[3]), let idle = Int(arguments[4]) else {
            fail("usage: pg-remote-serve URL SOCKET RUNNERS IDLE_MS")
        }
        let store = try await PostgresStore.connect(try PostgresLocation(arguments[1]))
        let remote = try SpinRemote(endpoint: .unix(path: arguments[2]))
        let agent = CountingConfigAgent(store: store)
        emit("serving")
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<runners {
                group.addTask {
                    let loop = AgentLoop(queue: remote, agent: agent, retryDelay: .milliseconds(100))
                    var ran = 0
                    while try await loop.runOnce(wait: .milliseconds(idle)) != nil { ran += 1 }
                    return ran
                }
            }
            return try await group.reduce(0, +)
        }
        emit("ran \(total)")
        try await remote.close()
        await store.close()
    }
}

/// Takes `emulation.write_config` commands and, instead of writing a config, counts the
/// delivery and records the effect once per command in PostgreSQL.
struct CountingConfigAgent: Agent {
    let store: PostgresStore
    let resource = "emulation"

    var actions: ActionTable {
        var table = ActionTable()
        let store = store
        table.on(WriteConfigAction.self) { parameters, context in
            try await PostgresRecordingAgent.record(store: store, command: context.command.id, tag: "vm\(parameters.vmID)")
        }
        return table
    }
}
