/// Parameters of every emulation action: the VM, and for stops how long the guest may take.
public struct VMActionParameters: Codable, Sendable, Equatable {
    /// The VM's id.
    public var vmID: UInt64
    /// Seconds a graceful power-off may take; nil uses the VM's `stopTimeoutSeconds`.
    public var timeoutSeconds: Int?

    /// Creates parameters.
    public init(vmID: UInt64, timeoutSeconds: Int? = nil) {
        self.vmID = vmID
        self.timeoutSeconds = timeoutSeconds
    }
}

/// `emulation.write_config`: render the VM's unit or launch description; rewrite only on change.
public enum WriteConfigAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "write_config"
    public typealias Parameters = VMActionParameters
}

/// `emulation.remove_config`: remove what write_config wrote.
public enum RemoveConfigAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "remove_config"
    public typealias Parameters = VMActionParameters
}

/// `emulation.start`: start qemu and wait for QMP `running`; success if already running.
public enum StartAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "start"
    public typealias Parameters = VMActionParameters
}

/// `emulation.stop`: power off gracefully, forced after the timeout; success if stopped.
public enum StopAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "stop"
    public typealias Parameters = VMActionParameters
}

/// `emulation.shutdown`: ACPI power-off only, never forced; fails if the guest ignores it.
public enum ShutdownAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "shutdown"
    public typealias Parameters = VMActionParameters
}

/// `emulation.restart`: stop (graceful, then forced) and start again.
public enum RestartAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "restart"
    public typealias Parameters = VMActionParameters
}

/// `emulation.pause`: freeze the guest's CPUs (QMP `stop`); success if already paused.
public enum PauseAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "pause"
    public typealias Parameters = VMActionParameters
}

/// `emulation.resume`: unfreeze (QMP `cont`); success if already running.
public enum ResumeAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "resume"
    public typealias Parameters = VMActionParameters
}

/// `emulation.forget_vm`: delete the VM's record once it is stopped and its config removed;
/// success if it is already gone. Runs before its disk files are deleted, so no VM record ever
/// names a file that is gone.
public enum ForgetVMAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "forget_vm"
    public typealias Parameters = VMActionParameters
}

/// `emulation.forget_image`: delete an image's record once the storage agent deleted its file
/// (`vm delete` runs it after each disk's `storage.delete_image`); success if the record is
/// already gone. It is a command of the package, not a step of the caller, so a `vm delete`
/// killed after the files went still leaves no record of them behind. Served by the agent
/// beside the registry (the emulation queue is never remote).
public enum ForgetImageAction: BrokerAction {
    public static let resource = "emulation"
    public static let action = "forget_image"
    /// The image whose record goes.
    public struct Parameters: Codable, Sendable, Equatable {
        /// The volume's name.
        public var volume: String
        /// The image's name in the volume.
        public var image: String

        /// Creates parameters.
        public init(volume: String, image: String) {
            self.volume = volume
            self.image = image
        }
    }
}
