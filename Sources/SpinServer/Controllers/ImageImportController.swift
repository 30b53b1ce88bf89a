import SpinAPI
import SpinCore

/// `/v1/images/{volume}/{name}/import` and `/base`: images from host files, and base images.
extension APIHandler {
    func importImage(_ input: Operations.ImportImage.Input) async throws -> Operations.ImportImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the file to import as JSON") }
        let image = try await call {
            try await spin.importImage(
                volume: input.path.volume, name: input.path.name, path: body.path, sha256: body.sha256, base: body.base ?? false)
        }
        return .created(.init(body: .json(.init(image))))
    }

    func markBaseImage(_ input: Operations.MarkBaseImage.Input) async throws -> Operations.MarkBaseImage.Output {
        let image = try await call { try await spin.markBaseImage(volume: input.path.volume, name: input.path.name) }
        return .ok(.init(body: .json(.init(image))))
    }
}
