import Foundation
import SpinCore
import SpinStore

/// A test action whose effect is idempotent and observable: it records that its command ran
/// (once, whatever the number of deliveries) and counts every delivery separately.
enum RecordEffect: BrokerAction {
    static let resource = "work"
    static let action = "record"
    struct Parameters: Codable, Sendable {
        var tag: String
        /// Fail instead of recording, to test failure handling.
        var fail: Bool?
    }
}

/// A second resource, to test dependencies across queues.
enum RecordOther: BrokerAction {
    static let resource = "other"
    static let action = "record"
    typealias Parameters = RecordEffect.Parameters
}

/// Test agent for ``RecordEffect`` / ``RecordOther``. Effects go to the `test.effects`
/// database (one entry per command, put-if-absent) and deliveries to `test.deliveries`.
struct RecordingAgent: Agent {
    let resource: String
    let store: Store

    static let catalog = ActionCatalog.with([RecordEffect.self, RecordOther.self])

    var actions: ActionTable {
        var table = ActionTable()
        let store = store
        let handler: @Sendable (RecordEffect.Parameters, CommandContext) async throws -> Void = { parameters, context in
            if parameters.fail == true { throw SpinError(.actionFailed, "asked to fail (\(parameters.tag))") }
            try store.write { txn in
                let id = context.command.id.uuidString
                try txn.putIfAbsent(Array(parameters.tag.utf8), forKey: id, in: txn.createDatabase(named: "test.effects"))
                let deliveries = try txn.createDatabase(named: "test.deliveries")
                let count = try txn.get(id, in: deliveries).flatMap { UInt64(storeKey: $0) } ?? 0
                try txn.put((count + 1).storeKeyBytes, forKey: id, in: deliveries)
            }
        }
        if resource == RecordEffect.resource { table.on(RecordEffect.self, handler) } else { table.on(RecordOther.self, handler) }
        return table
    }
}
