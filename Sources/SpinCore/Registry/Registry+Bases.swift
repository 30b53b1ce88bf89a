import SpinStore

/// Base images and their overlays. A base is never attached to a VM; an overlay names a base of
/// its own volume; a base with overlays is not deleted. Each rule is checked inside the write
/// transaction that could break it, so racing processes cannot: a `vm create --from` either
/// records its overlay before a base deletion looks (which then refuses) or finds the base gone.
extension Registry {
    /// Marks the image `name` of `volume` as a base: read-only from now on.
    /// - Returns: the image; marking a base again changes nothing.
    /// - Throws: ``SpinError`` `notFound`, or `failedPrecondition` when the image is attached to a
    ///   VM or is an overlay itself.
    @discardableResult
    public func markBase(volume: String, name: String) throws -> Image {
        try writing { txn, t in
            var image = try Self.requireImage(volume: volume, name: name, txn, t)
            if image.base { return image }
            try RegistryRules.checkMarkable(image, owner: image.attachedTo.map { Self.describeVM(id: $0, txn, t) })
            image.base = true
            try Self.putImage(image, txn, t)
            return image
        }
    }

    /// The images of `volume` made on the base `name`, by name.
    public func overlays(volume: String, base name: String) throws -> [Image] {
        try reading { txn, t in
            guard let t else { return [] }
            return try Self.overlays(volume: volume, base: name, txn, t)
        }
    }

    static func overlays(volume: String, base name: String, _ txn: ReadTransaction, _ t: Tables) throws -> [Image] {
        try txn.decodeAll(Image.self, in: t.images, range: .prefix(Tables.imagePrefix(volume: volume))).filter { $0.backingImage == name }
    }

    /// Fails when overlays use the base `image`, naming them and their VMs.
    static func requireNoOverlays(_ image: Image, verb: String, _ txn: ReadTransaction, _ t: Tables) throws {
        let users = try overlays(volume: image.volume, base: image.name, txn, t)
        guard !users.isEmpty else { return }
        let names = users.prefix(5).map { overlay in
            quoted(overlay.name) + (overlay.attachedTo.map { " (\(describeVM(id: $0, txn, t)))" } ?? "")
        }.joined(separator: ", ") + (users.count > 5 ? ", …" : "")
        throw SpinError(.failedPrecondition, "base image \(quoted(image.name)) of volume \(quoted(image.volume)) cannot be \(verb) while \(users.count) overlay\(users.count == 1 ? "" : "s") use\(users.count == 1 ? "s" : "") it: \(names); delete those VMs (spin vm delete) or images first")
    }

    /// Fails when overlays use the base `name` of `volume` (a quick look before a package).
    public func requireNoOverlays(volume: String, name: String, verb: String) throws {
        try reading { txn, t in
            let image = try Self.requireImage(volume: volume, name: name, txn, t)
            guard let t else { return }
            try Self.requireNoOverlays(image, verb: verb, txn, t)
        }
    }

    /// Checks a new image that is an overlay: its base exists in the same volume, is a base,
    /// and is no larger than the overlay.
    static func checkBacking(of spec: ImageSpec, _ txn: ReadTransaction, _ t: Tables) throws {
        guard let name = spec.backingImage else { return }
        try RegistryRules.checkBacking(of: spec, base: try loadImage(volume: spec.volume, name: name, txn, t))
    }
}
