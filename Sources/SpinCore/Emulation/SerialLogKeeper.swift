import Foundation

/// Checks every VM's serial log of a root at an interval and rotates those over the cap; runs
/// in every process that serves the emulation queue (the server, an embedded CLI while it
/// works). Each check is one `lstat` per VM.
public struct SerialLogKeeper: Sendable {
    /// The cap and the check interval, as ``SpinOptions`` carries them.
    public struct Settings: Sendable {
        /// The cap in bytes (``SerialLogRotator/defaultLimit``: 4 MiB unless
        /// `SPIN_SERIAL_LOG_LIMIT` says otherwise).
        public var limit: UInt64 = SerialLogRotator.defaultLimit
        /// Time between checks.
        public var interval: Duration = .seconds(1)
        /// The defaults.
        public init() {}
    }

    /// The data root.
    public let root: SpinRoot
    /// The cap.
    public let rotator: SerialLogRotator
    /// Time between checks.
    public let interval: Duration

    /// Creates a keeper.
    public init(root: SpinRoot, rotator: SerialLogRotator = SerialLogRotator(), interval: Duration = .seconds(1)) {
        self.root = root
        self.rotator = rotator
        self.interval = interval
    }

    /// Checks every log once.
    public func checkAll() {
        let vms = root.path + "/vms"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: vms) else { return }
        for entry in entries where UInt64(entry) != nil {
            rotator.rotateIfNeeded(vms + "/" + entry + "/serial.log")
        }
    }

    /// Checks until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            checkAll()
            try? await Task.sleep(for: interval)
        }
    }
}
