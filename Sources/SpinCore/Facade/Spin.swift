import Foundation
import Logging
import SpinQemu
import SpinStore
import Synchronization

/// The spin SDK's front door: every operation the CLI, the server and other programs perform.
///
/// ```swift
/// let spin = try await Spin.open(root: SpinRoot())
/// defer { Task { await spin.close() } }
/// _ = try await spin.createVolume(name: "vol1", path: "/var/lib/spin/vol1")
/// let vm = try await spin.createVM(VMSpec(name: "web", storage: [.cdrom(path: "/isos/debian.iso")]))
/// try await spin.startVM("web")
/// print(try await spin.status("web").state)   // running
/// ```
///
/// Each change runs as a durable package of idempotent commands on the broker; in the
/// embedded mode this instance also runs the agents that execute them.
public final class Spin: Sendable {
    /// The data root.
    public let root: SpinRoot
    /// The root's LMDB store: the records and the queue unless a ``ControlPlane`` on another
    /// store (PostgreSQL, for a fleet) was given to ``open(root:options:controlPlane:)``, in
    /// which case it is nil.
    public let store: Store?
    /// The records and the queue, paired for the writes that must commit together.
    public let controlPlane: any ControlPlane
    /// Entities.
    public let registry: any RegistryStore
    /// The command broker.
    public let broker: any CommandBroker
    /// The LMDB registry and broker, when the records live in the root's store (nil on a
    /// fleet store): for what only LMDB has (synchronous reads, the store's statistics).
    public var local: LocalControlPlane? { controlPlane as? LocalControlPlane }
    /// The storage agent.
    public let storage: StorageAgent
    /// The emulation agent.
    public let emulation: EmulationAgent
    /// The network agent (managed networks on this host).
    public let network: NetworkAgent
    /// How this instance runs.
    public let options: SpinOptions
    let logger = Logger(label: "spin")
    private let agents = Mutex<Task<Void, Never>?>(nil)
    /// Packages whose callers stopped waiting, followed until they end (``LateOutcome``).
    let followUps = Mutex<[UInt64: Task<Void, Never>]>([:])
    private let maintenance = Mutex<Task<Void, Never>?>(nil)
    /// The crash watches shared by this instance's event streams.
    let crashWatchHub = CrashWatchHub()

    init(root: SpinRoot, store: Store?, controlPlane: any ControlPlane, storage: StorageAgent, emulation: EmulationAgent, network: NetworkAgent, options: SpinOptions) {
        self.root = root
        self.store = store
        self.controlPlane = controlPlane
        self.registry = controlPlane.registry
        self.broker = controlPlane.broker
        self.storage = storage
        self.emulation = emulation
        self.network = network
        self.options = options
    }

    /// Opens the store under `root`, picks the supervisor, and (embedded mode) starts agents.
    ///
    /// With ``SpinOptions/readOnly`` it only looks: the store is opened `MDB_RDONLY` (a root
    /// without one reads as empty), no file or directory is created, no agent runs and no
    /// process is spawned; live status still comes from the processes and QMP.
    ///
    /// With `controlPlane` (a fleet's `PostgresControlPlane`, its broker built with
    /// ``actionCatalog``) the records and the queue live there and no LMDB store is opened;
    /// the root still holds this host's VM files and runtime state.
    public static func open(root: SpinRoot = SpinRoot(), options: SpinOptions = .default, controlPlane given: (any ControlPlane)? = nil) async throws -> Spin {
        let readOnly = options.readOnly
        if !readOnly { try root.create() }
        let store: Store?
        let controlPlane: any ControlPlane
        if let given {
            store = nil
            controlPlane = given
        } else {
            let local = try openStore(root: root, readOnly: readOnly)
            let registry = try Registry(store: local, prepares: !readOnly)
            let broker = try Broker(store: local, leasePath: root.path + "/leases.lmdb", catalog: actionCatalog, options: options.broker, readOnly: readOnly)
            store = local
            controlPlane = LocalControlPlane(registry: registry, broker: broker)
        }
        let registry = controlPlane.registry
        let storage = StorageAgent(
            qemuImg: QemuImg(executable: options.qemuImgPath ?? "qemu-img"), scope: RegisteredVolumes(registry: registry),
            onProgress: options.storageProgress)
        let binary: QemuBinary
        do {
            binary = try QemuBinary.discover(systemOverride: options.qemuSystemPath, imgOverride: options.qemuImgPath)
        } catch {
            throw SpinError(.unavailable, "\(error); install qemu-system-x86 and qemu-utils (scripts/install-deps)", cause: error)
        }
        let facts = HostFactsCache(root: root, writes: !readOnly, binary: binary, probe: options.acceleratorProbe, bootIDFile: options.bootIDFile)
        let planner = LaunchPlanner(root: root, binary: binary, probe: options.acceleratorProbe, facts: facts, qemuUserName: options.qemuUser, bridgeHelper: options.bridgeHelper)
        let supervisor = try await Self.makeSupervisor(root: root, options: options)
        let emulation = EmulationAgent(registry: registry, planner: planner, supervisor: supervisor)
        // Under systemd a network's dnsmasq is a unit of the same manager as the VMs.
        let units = (supervisor as? SystemdSupervisor).map { DnsmasqUnits(manager: $0.manager, unitDirectory: $0.unitDirectory, root: root) }
        let network = NetworkAgent(root: root, registry: registry, units: units)
        let spin = Spin(root: root, store: store, controlPlane: controlPlane, storage: storage, emulation: emulation, network: network, options: options)
        if options.runsAgents && !readOnly { spin.startAgents() }
        return spin
    }

    /// Every action the agents of ``Spin`` run: the catalog a broker for them checks commands
    /// against.
    public static let actionCatalog = ActionCatalog.with(StorageAgent.actionTypes + EmulationAgent.actionTypes + NetworkAgent.actionTypes)

    /// The root's store; read-only, the existing one, or an empty one of this process's own
    /// when the root has none (so that a look at a new root creates nothing in it).
    static func openStore(root: SpinRoot, readOnly: Bool) throws -> Store {
        do {
            guard readOnly else { return try Store(path: root.storePath) }
            if FileManager.default.fileExists(atPath: root.storePath + "/data.mdb") {
                return try Store(path: root.storePath, options: .readOnly)
            }
            return try EmptyStore.open()
        } catch let error as StoreError {
            throw SpinError(.unavailable, "cannot open the spin store at \(root.storePath): \(error.message)", cause: error)
        }
    }

    static func makeSupervisor(root: SpinRoot, options: SpinOptions) async throws -> any Supervisor {
        let helper = options.resolvedHelper().map { [$0] }
        switch options.supervisor {
        case .direct:
            var direct = DirectSupervisor(root: root)
            direct.bootIDFile = options.bootIDFile
            return direct
        case .systemd(let scope, let unitDirectory):
            let manager = try await SystemdManager.connect(scope: scope)
            return SystemdSupervisor(manager: manager, unitDirectory: try unitDirectory ?? UnitFileWriter.unitDirectory(for: scope), root: root, helperCommand: helper)
        case .auto:
            for scope in Self.candidateScopes() where await SystemdManager.isReachable(scope, timeout: .seconds(1)) {
                if let manager = try? await SystemdManager.connect(scope: scope), let directory = try? UnitFileWriter.unitDirectory(for: scope) {
                    return SystemdSupervisor(manager: manager, unitDirectory: directory, root: root, helperCommand: helper)
                }
            }
            var direct = DirectSupervisor(root: root)
            direct.bootIDFile = options.bootIDFile
            return direct
        }
    }

    /// The managers worth trying: the system manager for root on a systemd host, the user
    /// manager's private socket otherwise.
    static func candidateScopes(environment: [String: String] = ProcessInfo.processInfo.environment) -> [SystemdScope] {
        var scopes: [SystemdScope] = []
        if getuid() == 0, FileManager.default.fileExists(atPath: "/run/systemd/system"), getppid() != 0,
            (try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8))?.hasPrefix("systemd") == true
        {
            scopes.append(.system)
        }
        if let runtime = environment["XDG_RUNTIME_DIR"], FileManager.default.fileExists(atPath: runtime + "/systemd/private") {
            scopes.append(.user(runtimeDirectory: runtime))
        }
        return scopes
    }

    /// Serves the storage and emulation queues in this process until ``close()``, and keeps
    /// the broker bounded meanwhile (``startMaintenance()``).
    public func startAgents() {
        startMaintenance()
        agents.withLock { task in
            guard task == nil else { return }
            let broker = broker
            let drain = options.agentDrainTimeout
            let runners = Self.agentLoops(on: broker, agents: [storage, emulation, network], drainTimeout: drain)
            let keeper = SerialLogKeeper(root: root, rotator: SerialLogRotator(limit: options.serialLog.limit), interval: options.serialLog.interval)
            task = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await keeper.run() }
                    for runner in runners {
                        // Two runners per queue: a long copy does not hold up a start.
                        group.addTask { await runner() }
                        group.addTask { await runner() }
                    }
                }
            }
        }
    }

    /// One loop per agent over `queue` (whatever store holds it), each ready to run.
    static func agentLoops<Queue: CommandQueue>(on queue: Queue, agents: [any Agent], drainTimeout: Duration) -> [@Sendable () async -> Void] {
        agents.map { agent in
            let loop = AgentLoop(queue: queue, agent: agent, drainTimeout: drainTimeout)
            return { await loop.run() }
        }
    }

    /// Prunes finished packages after their retention and reaps abandoned open ones, now and
    /// every ``BrokerOptions/maintenanceInterval``, until ``close()``
    /// (``Broker/runMaintenance(onError:)``). ``startAgents()`` starts it; a server that leaves
    /// the queues to remote agents starts it alone.
    public func startMaintenance() {
        maintenance.withLock { task in
            guard task == nil else { return }
            let broker = broker
            let logger = logger
            task = Task { await broker.runMaintenance { logger.warning("broker maintenance: \($0)") } }
        }
    }

    /// Stops the agents: they take no new command, and a command in flight finishes within
    /// ``SpinOptions/agentDrainTimeout`` or is handed back, ready at once for other agents.
    public func close() async {
        let task = agents.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
        let pruning = maintenance.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        pruning?.cancel()
        await pruning?.value
        await endFollowUps()
    }

    /// Which supervisor runs this instance's VMs.
    public var supervisorKind: SupervisorKind { emulation.supervisor.kind }

    /// Submits commands as one package, waits for it, and throws the failing command's reason.
    ///
    /// When the wait ends before the package does (``SpinOptions/actionTimeout``, or the caller
    /// is cancelled), the package keeps running: this throws a ``SpinError`` (`.timeout` for
    /// the timeout) whose ``SpinError/runningPackage`` names it, and `late` settles the
    /// caller's records when the package ends, if this process still runs then.
    @discardableResult
    public func run(_ commands: [CommandDraft]) async throws -> PackageStatus {
        try await run(commands, late: nil)
    }

    @discardableResult
    func run(_ commands: [CommandDraft], late: LateOutcome?) async throws -> PackageStatus {
        try await finish(package: broker.submitGrouped(commands), late: late)
    }

    /// Waits for a submitted package and throws the failing command's reason; a wait that ends
    /// first says the package is still running (see ``run(_:)``).
    @discardableResult
    func finish(package: UInt64, late: LateOutcome?) async throws -> PackageStatus {
        let status: PackageStatus
        do {
            status = try await broker.waitForPackage(package, timeout: options.actionTimeout)
        } catch {
            if let late { followLater(package, late) }
            let timedOut = (error as? SpinError)?.code == .timeout
            let why = timedOut ? "did not finish within \(options.actionTimeout)" : "was not waited for to the end (\(error))"
            throw SpinError(
                timedOut ? .timeout : ((error as? SpinError)?.code ?? .unavailable),
                "package \(package) \(why) and is still running; its records are kept until it ends. Watch it with spin package status \(package) --wait",
                cause: PackageStillRunning(package: package))
        }
        if status.package.state == .failed, let failure = status.package.failure {
            throw SpinError(failure.errorCode.flatMap(SpinError.Code.init(name:)) ?? .actionFailed, failure.reason)
        }
        return status
    }
}
