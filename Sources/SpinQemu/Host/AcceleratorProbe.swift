import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides which accelerator to use, and says why.
///
/// `/dev/kvm` opening is not enough: on machines without nested virtualization it opens but
/// guests die with "KVM internal error". `.auto` therefore picks KVM only if `/dev/kvm` opens
/// read-write **and** `/proc/cpuinfo` lists the `vmx` (Intel) or `svm` (AMD) flag.
public struct AcceleratorProbe: Sendable {
    /// The outcome: the accelerator to pass to QEMU and a sentence for status output.
    public struct Choice: Sendable, Equatable {
        /// `.kvm` or `.tcg`, never `.auto`.
        public var accelerator: Accelerator
        /// Why, in plain words.
        public var reason: String

        /// Creates a choice.
        public init(accelerator: Accelerator, reason: String) {
            self.accelerator = accelerator
            self.reason = reason
        }
    }

    /// The KVM device (injectable for tests).
    public var kvmDevicePath: String
    /// The CPU information file (injectable for tests).
    public var cpuInfoPath: String

    /// Creates a probe of the real host, or of the given files.
    public init(kvmDevicePath: String = "/dev/kvm", cpuInfoPath: String = "/proc/cpuinfo") {
        self.kvmDevicePath = kvmDevicePath
        self.cpuInfoPath = cpuInfoPath
    }

    /// Resolves `requested`: `.kvm` and `.tcg` are honoured as asked, `.auto` is probed.
    public func choose(_ requested: Accelerator = .auto) -> Choice {
        switch requested {
        case .kvm: return Choice(accelerator: .kvm, reason: "KVM requested explicitly")
        case .tcg: return Choice(accelerator: .tcg, reason: "TCG requested explicitly")
        case .auto: break
        }
        let fd = open(kvmDevicePath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            return Choice(accelerator: .tcg, reason: "\(kvmDevicePath) cannot be opened read-write (\(why)); using TCG")
        }
        close(fd)
        guard let cpuInfo = try? String(contentsOfFile: cpuInfoPath, encoding: .utf8) else {
            return Choice(accelerator: .tcg, reason: "\(kvmDevicePath) opens but \(cpuInfoPath) cannot be read; using TCG")
        }
        if let flag = Self.virtualizationFlag(in: cpuInfo) {
            return Choice(accelerator: .kvm, reason: "\(kvmDevicePath) opens and the CPU has the \(flag) flag; using KVM")
        }
        return Choice(accelerator: .tcg, reason: "\(kvmDevicePath) opens but the CPU has no vmx/svm flag (nested virtualization off); using TCG")
    }

    /// `"vmx"` or `"svm"` if a `flags` line of cpuinfo lists it.
    static func virtualizationFlag(in cpuInfo: String) -> String? {
        for line in cpuInfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let flags = line[line.index(after: colon)...].split(separator: " ")
            if flags.contains("vmx") { return "vmx" }
            if flags.contains("svm") { return "svm" }
        }
        return nil
    }
}
