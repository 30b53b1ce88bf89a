import Foundation
import Hummingbird
import NIOCore
import SpinAPI
import SpinCore
import Synchronization

/// Answers `GET /v1/vms/{ref}` from bytes encoded before when nothing they show can have
/// changed: the store has committed nothing since (LMDB's last transaction id) and the VM's
/// live status — computed afresh for every request, never cached — is the same as then.
/// What is saved is the JSON encoding of the record and status (most of the request's CPU).
///
/// On a miss the generated handler answers as usual; its body is kept only when the status it
/// shows is the one computed here, so a status that changed in between is never served later.
struct VMGetCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    let spin: Spin
    let cache = Cache()

    /// Encoded answers for one store transaction; emptied when the transaction id moves on.
    final class Cache: Sendable {
        struct Entry {
            var status: Components.Schemas.VMStatus
            var headers: HTTPFields
            var body: ByteBuffer
        }
        private struct State {
            var transactionID = -1
            var entries: [String: Entry] = [:]
        }
        private let state = Mutex(State())
        /// More refs than this in one transaction: start over (bounds memory under scans).
        static var capacity: Int { 4096 }

        func lookup(_ ref: String, _ transactionID: Int, _ status: Components.Schemas.VMStatus) -> Entry? {
            state.withLock { state in
                guard state.transactionID == transactionID, let entry = state.entries[ref], entry.status == status else { return nil }
                return entry
            }
        }

        func store(_ ref: String, _ transactionID: Int, _ entry: Entry) {
            state.withLock { state in
                if state.transactionID != transactionID || state.entries.count >= Self.capacity {
                    state = State(transactionID: transactionID)
                }
                state.entries[ref] = entry
            }
        }
    }

    /// Only the status of a VM document, to check what the handler answered.
    private struct StatusField: Decodable {
        var status: Components.Schemas.VMStatus?
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        guard request.method == .get, parts.count == 4, parts[0].isEmpty, parts[1] == "v1", parts[2] == "vms", !parts[3].isEmpty,
            (request.uri.query ?? "").isEmpty
        else {
            return try await next(request, context)
        }
        let ref = String(parts[3])
        let transactionID = spin.store.lastTransactionID
        guard let vm = try? spin.vm(ref.removingPercentEncoding ?? ref), let live = try? await spin.status(String(vm.id)) else {
            return try await next(request, context)  // errors: the handler words them
        }
        let status = Components.Schemas.VMStatus(live)
        if let hit = cache.lookup(ref, transactionID, status) {
            return Response(status: .ok, headers: hit.headers, body: ResponseBody(byteBuffer: hit.body))
        }
        var response = try await next(request, context)
        guard response.status == .ok else { return response }
        let body = try await response.collectBody()
        if let shown = try? JSONDecoder().decode(StatusField.self, from: Data(buffer: body)).status, shown == status {
            cache.store(ref, transactionID, .init(status: status, headers: response.headers, body: body))
        }
        return response
    }
}
