import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinModel

extension SpinRemote {
    /// Part of a VM's serial log (``Spin/serialLog(_:from:maxBytes:)``): up to `maxBytes`
    /// bytes from byte `offset`; fewer means the end was reached.
    public func serialLog(_ ref: String, from offset: UInt64 = 0, maxBytes: Int = ServiceLimits.serialLogChunk) async throws -> Data {
        try ServiceLimits.checkSerialLogChunk(maxBytes)
        return try await call {
            let body = try await client.getVMLog(path: .init(ref: ref), query: .init(offset: Int64(offset), maxBytes: maxBytes)).ok.body.binary
            return try await Data(collecting: body, upTo: ServiceLimits.serialLogChunk + 1)
        }
    }
}
