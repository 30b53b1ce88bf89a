import SpinTestSupport

extension TestGuests {
    /// `spin vm create` options for a small direct-boot guest: 1 CPU, 256 MiB, a 64 MiB disk.
    var directBootOptions: [String] {
        ["-c", "1", "-m", "256", "-s", "64M", "--kernel", kernel, "--initrd", initrd, "--append", TestGuests.append]
    }
}
