import Foundation
import Hummingbird
import NIOCore
import SpinAPI
import SpinCore
import SpinStore
import Synchronization

/// Answers `GET /v1/vms/{ref}` from bytes encoded before when nothing they show can have
/// changed: the store has committed nothing since (LMDB's last transaction id) and the VM's
/// live status and guest agent report — computed afresh for every request, never cached —
/// are the same as then. What is saved is the JSON encoding of the record, status and report
/// (most of the request's CPU).
///
/// On a miss the generated handler answers with what was computed here (``VMGetComputed``,
/// so the guest agent is asked once per request), and the body is kept.
struct VMGetCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    let spin: Spin
    /// The LMDB store whose last transaction id keys the cache.
    let store: Store
    let cache = Cache()

    /// Encoded answers for one store transaction; emptied when the transaction id moves on.
    final class Cache: Sendable {
        struct Entry {
            var status: Components.Schemas.VMStatus
            var guest: Components.Schemas.GuestInfo?
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

        func lookup(_ ref: String, _ transactionID: Int, _ status: Components.Schemas.VMStatus, _ guest: Components.Schemas.GuestInfo?) -> Entry? {
            state.withLock { state in
                guard state.transactionID == transactionID, let entry = state.entries[ref], entry.status == status, entry.guest == guest else { return nil }
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        guard request.method == .get, parts.count == 4, parts[0].isEmpty, parts[1] == "v1", parts[2] == "vms", !parts[3].isEmpty,
            (request.uri.query ?? "").isEmpty
        else {
            return try await next(request, context)
        }
        let ref = String(parts[3])
        let transactionID = store.lastTransactionID
        guard let computed = try? await spin.vmWithStatus(ref.removingPercentEncoding ?? ref), let live = computed.status else {
            return try await next(request, context)  // errors: the handler words them
        }
        let status = Components.Schemas.VMStatus(live)
        let guest = computed.guest.map(Components.Schemas.GuestInfo.init)
        if let hit = cache.lookup(ref, transactionID, status, guest) {
            return Response(status: .ok, headers: hit.headers, body: ResponseBody(byteBuffer: hit.body))
        }
        var response = try await VMGetComputed.$current.withValue(computed) { try await next(request, context) }
        guard response.status == .ok else { return response }
        let body = try await response.collectBody()
        cache.store(ref, transactionID, .init(status: status, guest: guest, headers: response.headers, body: body))
        return response
    }
}

/// The record, status and guest report the cache middleware computed for the request being
/// answered; the `getVM` handler answers with it instead of asking again.
enum VMGetComputed {
    @TaskLocal static var current: VMWithStatus?
}
