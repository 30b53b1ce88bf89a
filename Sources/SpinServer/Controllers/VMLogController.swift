import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinCore

/// `/v1/vms/{ref}/log`: the serial log, a chunk at a time from a byte offset.
extension APIHandler {
    func getVMLog(_ input: Operations.GetVMLog.Input) async throws -> Operations.GetVMLog.Output {
        let offset = input.query.offset ?? 0
        let maxBytes = input.query.maxBytes ?? ServiceLimits.serialLogChunk
        let bytes = try await call {
            guard offset >= 0 else { throw SpinError(.invalidArgument, "offset \(offset) is negative; logs start at 0") }
            return try await spin.serialLog(input.path.ref, from: UInt64(offset), maxBytes: maxBytes)
        }
        return .ok(.init(body: .binary(HTTPBody(bytes))))
    }
}
