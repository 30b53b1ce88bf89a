import Hummingbird
import NIOCore
import SpinStore
import Synchronization

/// Answers `GET /v1/vms` from the bytes the generated handler produced last, as long as the
/// store has not committed anything since: the list holds only registry records (no live
/// status), so the store's last transaction id says exactly when it may have changed — any
/// commit, by this server or another process, makes the next request encode afresh.
///
/// Encoding 100 VMs with `JSONEncoder` costs ~1.2 ms of CPU; a hit costs one `mdb_env_info`.
/// A body read before a concurrent commit may be cached under the older id; no later request
/// can see that id again, so it is never served stale.
struct VMListCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The store the registry lives in.
    let store: Store
    /// The cached response.
    let cache = Cache()

    /// The last encoded list and the transaction it was read after.
    final class Cache: Sendable {
        struct Entry {
            var transactionID: Int
            var headers: HTTPFields
            var body: ByteBuffer
        }
        private let entry = Mutex<Entry?>(nil)

        func lookup(_ transactionID: Int) -> Entry? {
            entry.withLock { $0?.transactionID == transactionID ? $0 : nil }
        }

        func store(_ new: Entry) { entry.withLock { $0 = new } }
    }

    static var path: String { "/v1/vms" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.uri.path == Self.path, (request.uri.query ?? "").isEmpty else {
            return try await next(request, context)
        }
        let transactionID = store.lastTransactionID
        if let hit = cache.lookup(transactionID) {
            return Response(status: .ok, headers: hit.headers, body: ResponseBody(byteBuffer: hit.body))
        }
        var response = try await next(request, context)
        guard response.status == .ok else { return response }
        let body = try await response.collectBody()
        cache.store(.init(transactionID: transactionID, headers: response.headers, body: body))
        return response
    }
}
