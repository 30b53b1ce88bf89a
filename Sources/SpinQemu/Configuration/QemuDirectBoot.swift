/// Boot a Linux kernel directly, without firmware or a boot loader.
public struct QemuDirectBoot: Sendable, Equatable, Codable {
    /// Path of the kernel image.
    public var kernel: String
    /// Path of the initial ramdisk, if any.
    public var initrd: String?
    /// The kernel command line, e.g. `"console=ttyS0 panic=-1"`.
    public var append: String?

    /// Creates a direct boot.
    public init(kernel: String, initrd: String? = nil, append: String? = nil) {
        self.kernel = kernel
        self.initrd = initrd
        self.append = append
    }

    /// `-kernel`, `-initrd`, `-append`: plain values, not option lists, so nothing is escaped.
    public func qemuArguments() -> [String] {
        var arguments = ["-kernel", kernel]
        if let initrd { arguments += ["-initrd", initrd] }
        if let append { arguments += ["-append", append] }
        return arguments
    }
}
