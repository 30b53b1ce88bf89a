import Foundation
import SpinStore

extension Registry {
    /// Records a free (unattached) image in an existing volume. The file is the caller's business.
    /// An overlay's base must be a base image of the same volume, no larger than it.
    /// - Throws: ``SpinError`` `invalidArgument`, `notFound` (volume, base) or `conflict`
    ///   (exists), `failedPrecondition` (the named base is not one).
    /// - Parameter base: record it as a base image (an import with `--base`).
    @discardableResult
    public func createImage(_ spec: ImageSpec, base: Bool = false) throws -> Image {
        try createImage(spec, base: base) { _, _ in }.image
    }

    /// Records an image like ``createImage(_:base:)`` and runs `alongside` in the same write
    /// transaction (to submit the package that makes its file), so both commit or neither.
    public func createImage<R>(_ spec: ImageSpec, base: Bool = false, alongside: (Image, WriteTransaction) throws -> R) throws -> (image: Image, result: R) {
        try ValidationProblem.check(spec.validate())
        let image = Image(spec, base: base)
        return try writing { txn, t in
            _ = try Self.requireVolume(spec.volume, txn, t)
            if try Self.loadImage(volume: spec.volume, name: spec.name, txn, t) != nil {
                throw SpinError(.conflict, "image \(quoted(spec.name)) already exists in volume \(quoted(spec.volume)); pick another name")
            }
            try Self.checkBacking(of: spec, txn, t)
            try Self.putImage(image, txn, t)
            return (image, try alongside(image, txn))
        }
    }

    /// The image `name` in `volume`.
    /// - Throws: ``SpinError`` `notFound` (volume or image).
    public func image(volume: String, name: String) throws -> Image {
        try reading { txn, t in try Self.requireImage(volume: volume, name: name, txn, t) }
    }

    /// The images of `volume`, ordered by name.
    /// - Throws: ``SpinError`` `notFound` when the volume does not exist.
    public func listImages(volume: String) throws -> [Image] {
        try reading { txn, t in
            _ = try Self.requireVolume(volume, txn, t)
            guard let t else { return [] }
            return try txn.decodeAll(Image.self, in: t.images, range: .prefix(Tables.imagePrefix(volume: volume)))
        }
    }

    /// Every image, ordered by volume, then name.
    public func listAllImages() throws -> [Image] {
        try reading { txn, t in
            guard let t else { return [] }
            return try txn.decodeAll(Image.self, in: t.images)
        }
    }

    /// Changes the image with `change` (its size or format, e.g. after a resize). The volume,
    /// name and `attachedTo` cannot change here — attach through the VM; `createdAt` is kept.
    /// `change` may run more than once, so it must only change the image it is given.
    /// - Throws: ``SpinError`` `notFound`, `invalidArgument`, or what `change` throws.
    @discardableResult
    public func updateImage(volume: String, name: String, _ change: (inout Image) throws -> Void) throws -> Image {
        try writing { txn, t in
            let previous = try Self.requireImage(volume: volume, name: name, txn, t)
            var image = previous
            try change(&image)
            try RegistryRules.checkImageEdit(&image, previous: previous)
            try Self.putImage(image, txn, t)
            return image
        }
    }

    /// Removes the image record `name` of `volume`. The file is the caller's business.
    /// - Returns: the image as it was.
    /// - Throws: ``SpinError`` `notFound`, or `failedPrecondition` naming the VM it is attached to
    ///   or, for a base, the overlays that use it.
    @discardableResult
    public func deleteImage(volume: String, name: String) throws -> Image {
        try writing { txn, t in
            let image = try Self.requireImage(volume: volume, name: name, txn, t)
            if let owner = image.attachedTo {
                throw SpinError(.failedPrecondition, "image \(quoted(name)) of volume \(quoted(volume)) is attached to \(Self.describeVM(id: owner, txn, t)); detach it from that VM first")
            }
            if image.base { try Self.requireNoOverlays(image, verb: "deleted", txn, t) }
            try txn.delete(Tables.imageKey(volume: volume, name: name), in: t.images)
            return image
        }
    }
}
