import SpinAPI
import SpinCore

/// `/v1/images`: create, list, get, delete, copy, move and resize disk images.
extension APIHandler {
    func listImages(_ input: Operations.ListImages.Input) async throws -> Operations.ListImages.Output {
        let images = try await call { try await spin.listImages(volume: input.query.volume) }
        return .ok(.init(body: .json(images.map(Components.Schemas.Image.init))))
    }

    func createImage(_ input: Operations.CreateImage.Input) async throws -> Operations.CreateImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the image spec as JSON") }
        let image = try await call { try await spin.createImage(body.model()) }
        return .created(.init(body: .json(.init(image))))
    }

    func getImage(_ input: Operations.GetImage.Input) async throws -> Operations.GetImage.Output {
        let image = try await call { try await spin.image(volume: input.path.volume, name: input.path.name) }
        return .ok(.init(body: .json(.init(image))))
    }

    func deleteImage(_ input: Operations.DeleteImage.Input) async throws -> Operations.DeleteImage.Output {
        try await call { try await spin.deleteImage(volume: input.path.volume, name: input.path.name) }
        return .noContent(.init())
    }

    func copyImage(_ input: Operations.CopyImage.Input) async throws -> Operations.CopyImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the copy's target as JSON") }
        let image = try await call {
            try await spin.copyImage(
                volume: input.path.volume, name: input.path.name, toVolume: body.toVolume, toName: body.toName,
                format: body.format.map { ImageFormat.from($0) })
        }
        return .created(.init(body: .json(.init(image))))
    }

    func moveImage(_ input: Operations.MoveImage.Input) async throws -> Operations.MoveImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the move's target as JSON") }
        let image = try await call {
            try await spin.moveImage(volume: input.path.volume, name: input.path.name, toVolume: body.toVolume, toName: body.toName)
        }
        return .ok(.init(body: .json(.init(image))))
    }

    func resizeImage(_ input: Operations.ResizeImage.Input) async throws -> Operations.ResizeImage.Output {
        guard case .json(let body) = input.body else { throw SpinError(.invalidArgument, "send the new size as JSON") }
        let image = try await call {
            guard body.sizeBytes > 0 else {
                throw SpinError(.invalidArgument, "sizeBytes \(body.sizeBytes) is too small; give a size above 0 bytes")
            }
            return try await spin.resizeImage(
                volume: input.path.volume, name: input.path.name, sizeBytes: UInt64(body.sizeBytes), force: body.force ?? false)
        }
        return .ok(.init(body: .json(.init(image))))
    }
}
