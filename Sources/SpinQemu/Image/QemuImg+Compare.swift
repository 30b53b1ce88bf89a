extension QemuImg {
    /// Whether two images hold the same guest-visible data (`qemu-img compare -f -F`), each
    /// read as the format given.
    /// - Parameter forceShare: read images a running QEMU holds open (`-U`).
    /// - Throws: ``Error/failed(arguments:termination:standardError:)`` when qemu-img cannot
    ///   compare them (exit 2 and above).
    public func compare(
        _ first: String, format firstFormat: QemuDisk.Format, _ second: String, format secondFormat: QemuDisk.Format,
        forceShare: Bool = false
    ) async throws(Error) -> Bool {
        var arguments = ["compare", "-q", "-f", firstFormat.rawValue, "-F", secondFormat.rawValue]
        if forceShare { arguments.append("-U") }
        arguments += ["--", first, second]
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(executable, arguments, check: false)
        } catch {
            throw .from(error, executable: executable)
        }
        switch result.termination {
        case .exited(0): return true
        case .exited(1): return false
        default: throw .failed(arguments: arguments, termination: result.termination, standardError: result.standardErrorText)
        }
    }
}
