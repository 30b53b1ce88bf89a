import Foundation
import SpinQemu

/// The agent of the `storage` resource: volume directories and the disk images in them.
///
/// Commands carry absolute volume directories, image file names and formats (the SDK facade
/// fills them from the registry). The agent trusts none of it: right before each action it asks
/// its ``StorageScope`` whether every directory named is one it may act in — a registered
/// volume (``RegisteredVolumes``), or one inside a remote agent's allowed roots
/// (``AllowedRoots``) — and refuses with `.forbidden`, changing nothing, otherwise. It reads
/// each image as the format its record gives (else the command's), never one qemu-img guesses
/// from the content: a guest can write a qcow2 header into its raw disk. Every
/// action is idempotent — repeating a finished one succeeds without touching anything — and
/// fails with a reason that names the way out when what is on disk conflicts with it.
///
/// Files stay confined to their volume: names are checked by ``VolumePath``, no symbolic link is
/// followed at a volume or an image, new images are written under a hidden temporary name
/// created with `O_EXCL|O_NOFOLLOW` and mode 0600, marked (``ImageMark``), flushed, then renamed
/// into place without replacing anything.
///
/// spin touches only files it made: a file without the mark is never overwritten, adopted,
/// resized, moved or deleted, whoever sends the command. Every destructive step (unlink,
/// rename into place, resize) first checks the command's lease (`CommandContext.renewLease`),
/// so an agent that lost its lease does not act on a command now run elsewhere.
///
/// ```swift
/// let agent = StorageAgent(scope: RegisteredVolumes(registry: registry)) { command, fraction in print(command, fraction) }
/// let broker = try Broker(store: store, leasePath: leases, catalog: .with(StorageAgent.actionTypes))
/// Task { await AgentRunner(broker: broker, agent: agent).run() }
/// ```
public struct StorageAgent: Agent {
    /// `storage`.
    public let resource = "storage"
    /// The `qemu-img` driver.
    public let qemuImg: QemuImg
    /// Where the agent may act, checked before every action.
    public let scope: any StorageScope
    /// Receives the progress of long actions (copies) as a fraction from 0 to 1, with the
    /// command's id; called from a reader thread.
    public let onProgress: (@Sendable (UUID, Double) -> Void)?
    /// How often a long action renews its command's lease.
    public let leaseRenewalInterval: Duration

    /// Every action the agent serves, for building the broker's ``ActionCatalog``.
    public static let actionTypes: [any BrokerAction.Type] = [
        AddVolumeAction.self, RemoveVolumeAction.self,
        CreateImageAction.self, DeleteImageAction.self, ResizeImageAction.self,
        CopyImageAction.self, MoveImageAction.self, ImportImageAction.self,
    ]

    /// Creates the agent.
    /// - Parameters:
    ///   - qemuImg: the `qemu-img` driver.
    ///   - scope: where the agent may act: ``RegisteredVolumes`` beside a registry,
    ///     ``AllowedRoots`` for a remote agent.
    ///   - leaseRenewalInterval: how often copies renew their lease.
    ///   - onProgress: receives `(command id, fraction done)` during copies.
    public init(
        qemuImg: QemuImg = QemuImg(), scope: any StorageScope, leaseRenewalInterval: Duration = .seconds(5),
        onProgress: (@Sendable (UUID, Double) -> Void)? = nil
    ) {
        self.qemuImg = qemuImg
        self.scope = scope
        self.leaseRenewalInterval = leaseRenewalInterval
        self.onProgress = onProgress
    }

    /// The dispatch table.
    public var actions: ActionTable {
        var table = ActionTable()
        let agent = self
        table.on(AddVolumeAction.self) { parameters, _ in try await agent.addVolume(parameters) }
        table.on(RemoveVolumeAction.self) { parameters, _ in try await agent.removeVolume(parameters) }
        table.on(CreateImageAction.self) { parameters, context in try await agent.createImage(parameters, renewLease: context.renewLease) }
        table.on(DeleteImageAction.self) { parameters, context in try await agent.deleteImage(parameters, renewLease: context.renewLease) }
        table.on(ResizeImageAction.self) { parameters, context in try await agent.resizeImage(parameters, renewLease: context.renewLease) }
        table.on(CopyImageAction.self) { parameters, context in
            try await agent.copyImage(parameters, progress: agent.progressReporter(for: context.command.id), renewLease: context.renewLease)
        }
        table.on(ImportImageAction.self) { parameters, context in
            try await agent.importImage(parameters, progress: agent.progressReporter(for: context.command.id), renewLease: context.renewLease)
        }
        table.on(MoveImageAction.self) { parameters, context in
            try await agent.moveImage(parameters, progress: agent.progressReporter(for: context.command.id), renewLease: context.renewLease)
        }
        return table
    }

    func progressReporter(for command: UUID) -> (@Sendable (Double) -> Void)? {
        guard let onProgress else { return nil }
        return { fraction in onProgress(command, fraction) }
    }

    var inspector: ImageInspector { ImageInspector(qemuImg: qemuImg) }
}
