/// Direct kernel boot: QEMU loads a kernel (and optionally an initrd) from host files instead
/// of booting from a drive. JSON: `{"kernel":"/boot/vmlinuz","initrd":"/boot/initrd.img","append":"console=ttyS0"}`.
public struct DirectBoot: Sendable, Codable, Equatable, Hashable {
    /// The absolute host path of the kernel image (QEMU's `-kernel`).
    public var kernel: String
    /// The absolute host path of the initial ramdisk (QEMU's `-initrd`), if any.
    public var initrd: String?
    /// The kernel command line (QEMU's `-append`), if any.
    public var append: String?

    /// Creates a direct-boot configuration.
    public init(kernel: String, initrd: String? = nil, append: String? = nil) {
        self.kernel = kernel
        self.initrd = initrd
        self.append = append
    }

    /// Every problem; fields are relative (`kernel`, `initrd`, `append`).
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.absolutePath(kernel, field: "kernel", example: "/boot/vmlinuz")
        if let initrd {
            validator.absolutePath(initrd, field: "initrd", example: "/boot/initrd.img")
        }
        if let append {
            if append.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) {
                validator.add("append", "contains a control or non-ASCII character; give the command line on one line in printable ASCII")
            } else if append.utf8.count > 4096 {
                validator.add("append", "is \(append.utf8.count) bytes long; keep the kernel command line under 4096 bytes")
            }
        }
        return validator.problems
    }
}
