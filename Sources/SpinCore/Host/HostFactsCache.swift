import Foundation
import SpinQemu
import Synchronization

/// The host facts (``HostFacts``), probed once and kept in `ROOT/host-facts.json`, keyed by
/// what they depend on (``HostFactsKey``): a command reads the file, checks the key with a
/// few `stat` calls, and probes only when something changed or a fact it needs was never
/// probed (the sandbox probe spawns qemu; only a start needs it).
///
/// Several processes may probe and write at once: each writes a whole file under a private
/// name and renames it into place, so readers see one complete answer or another, and an
/// unreadable or torn file is only a reason to probe again.
public final class HostFactsCache: Sendable {
    /// The file's name in the data root.
    public static let fileName = "host-facts.json"

    /// Where the facts are kept; nil keeps them in this process only.
    public let file: String?
    /// Whether this process writes the file (read-only commands never do).
    public let writes: Bool
    /// The emulator the facts are about.
    public let binary: QemuBinary
    /// How `auto` is resolved.
    public let probe: AcceleratorProbe
    /// The boot id file (``BootID``); nil: the kernel's, or `$SPIN_BOOT_ID_FILE`.
    public let bootIDFile: String?
    /// How long this process trusts the facts it checked before it checks the key again.
    let recheckAfter: Duration
    private let memo = Mutex<(facts: HostFacts, checkedAt: ContinuousClock.Instant)?>(nil)

    /// A cache in `root` (or in this process only, with `root` nil).
    public init(root: SpinRoot?, writes: Bool, binary: QemuBinary, probe: AcceleratorProbe = AcceleratorProbe(), bootIDFile: String? = nil, recheckAfter: Duration = .seconds(2)) {
        self.file = root.map { $0.path + "/" + Self.fileName }
        self.writes = writes
        self.binary = binary
        self.probe = probe
        self.bootIDFile = bootIDFile
        self.recheckAfter = recheckAfter
    }

    /// The accelerator `requested` resolves to. `fresh` checks the key now (a start); else a
    /// check made in the last ``recheckAfter`` is trusted (statuses of many VMs).
    public func acceleratorChoice(_ requested: Accelerator, fresh: Bool = false) -> AcceleratorProbe.Choice {
        guard requested == .auto else { return probe.choose(requested) }
        return facts(fresh: fresh).choice(.auto)
    }

    /// Whether the emulator has `-sandbox`, probed (a qemu spawn) only when not known for
    /// this binary.
    public func sandboxSupported() async -> Bool {
        let known = facts(fresh: true)
        if let sandbox = known.sandbox { return sandbox }
        let sandbox = await binary.probeSandbox()
        return update(known) { $0.sandbox = sandbox }.sandbox ?? sandbox
    }

    /// The emulator's version text, probed (a qemu spawn) only when not known for this binary;
    /// nil when the binary does not say.
    public func qemuVersion() async -> String? {
        let known = facts(fresh: true)
        if let version = known.qemuVersion { return version }
        guard let version = try? await binary.version() else { return nil }
        let text = version.package.isEmpty ? version.description : "\(version) (\(version.package))"
        return update(known) { $0.qemuVersion = text }.qemuVersion
    }

    /// The facts valid now: this process's, the file's, or new ones (the cheap accelerator
    /// probe; the spawning probes wait until asked).
    func facts(fresh: Bool) -> HostFacts {
        let now = ContinuousClock.now
        if !fresh, let memo = memo.withLock({ $0 }), now - memo.checkedAt < recheckAfter { return memo.facts }
        let key = HostFactsKey.current(binary: binary, probe: probe, bootIDFile: bootIDFile)
        if let memo = memo.withLock({ $0 }), memo.facts.key == key {
            self.memo.withLock { $0 = (memo.facts, now) }
            return memo.facts
        }
        if let stored = readFile(), stored.key == key {
            memo.withLock { $0 = (stored, now) }
            return stored
        }
        let choice = probe.choose(.auto)
        let facts = HostFacts(key: key, autoAccelerator: choice.accelerator.rawValue, autoAcceleratorReason: choice.reason)
        memo.withLock { $0 = (facts, now) }
        save(facts)
        return facts
    }

    /// Adds a probed fact to `known`, keeps it and writes it.
    private func update(_ known: HostFacts, _ change: (inout HostFacts) -> Void) -> HostFacts {
        var facts = known
        change(&facts)
        memo.withLock { $0 = (facts, ContinuousClock.now) }
        save(facts)
        return facts
    }

    private func readFile() -> HostFacts? {
        guard let file, let data = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONDecoder().decode(HostFacts.self, from: data)
    }

    /// Writes the whole file under a private name and renames it into place; does nothing
    /// when read-only, or when the root does not exist (nothing is created for it).
    private func save(_ facts: HostFacts) {
        guard writes, let file else { return }
        let directory = (file as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            let data = try? JSONEncoder().encode(facts)
        else { return }
        let temporary = "\(file).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != data.count || rename(temporary, file) != 0 { unlink(temporary) }
    }
}
