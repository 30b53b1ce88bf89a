/// Drives `qemu-img`: create, inspect, resize, convert and check disk images.
///
/// ```swift
/// let img = QemuImg()
/// try await img.create(path: "/images/vol1.qcow2", format: .qcow2, sizeBytes: 10 << 30)
/// let info = try await img.info(path: "/images/vol1.qcow2", format: .qcow2)
/// try await img.convert(from: "base.raw", to: "vm.qcow2", sourceFormat: .raw, targetFormat: .qcow2) { print($0) }
/// ```
///
/// Every call names the format of each image it reads (`-f`, and `-F` for a backing file):
/// `qemu-img` never guesses one. An image a guest writes to is data — a guest can put a qcow2
/// or VMDK header into its raw disk, and a host tool that probed the format would then follow
/// that header (to a backing file anywhere on the host, say).
///
/// Every failure is a ``QemuImg/Error`` that carries what `qemu-img` wrote to stderr.
public struct QemuImg: Sendable {
    /// Path (or bare name, looked up on `PATH`) of `qemu-img`.
    public var executable: String

    /// Creates a driver for `executable`.
    public init(executable: String = "qemu-img") { self.executable = executable }

    /// Creates an image of `sizeBytes`, optionally on top of a `backingFile` (qcow2 only) whose
    /// format `backingFormat` must be given: it is written into the overlay (`-F`), so nothing
    /// that opens the overlay later guesses it.
    /// - Throws: ``Error/invalidArgument(_:)`` for a backing file without its format or with a
    ///   format other than qcow2.
    public func create(
        path: String, format: QemuDisk.Format, sizeBytes: UInt64,
        backingFile: String? = nil, backingFormat: QemuDisk.Format? = nil
    ) async throws(Error) {
        var arguments = ["create", "-q", "-f", format.rawValue]
        if let backingFile {
            guard format == .qcow2 else { throw .invalidArgument("a backing file needs the qcow2 format") }
            guard let backingFormat else {
                throw .invalidArgument("give the format of backing file \(backingFile) (backingFormat); qemu-img must not guess it")
            }
            arguments += ["-b", backingFile, "-F", backingFormat.rawValue]
        }
        arguments += ["--", path, String(sizeBytes)]
        _ = try await run(arguments)
    }

    /// Reads the image's sizes and backing file (`info -f FORMAT --output=json`), taking it
    /// as `format` — the format its owner recorded, never one guessed from its content.
    ///
    /// - Parameter forceShare: read an image a running QEMU holds open (`-U`).
    public func info(path: String, format: QemuDisk.Format, forceShare: Bool = false) async throws(Error) -> QemuImageInfo {
        var arguments = ["info", "-f", format.rawValue, "--output=json"]
        if forceShare { arguments.append("-U") }
        let output = try await run(arguments + ["--", path])
        return try decode(QemuImageInfo.self, output)
    }

    /// Sets the virtual size to `sizeBytes`. Shrinking loses data, so it needs `shrink: true`.
    public func resize(path: String, format: QemuDisk.Format, sizeBytes: UInt64, shrink: Bool = false) async throws(Error) {
        var arguments = ["resize", "-q", "-f", format.rawValue]
        if shrink { arguments.append("--shrink") }
        _ = try await run(arguments + ["--", path, String(sizeBytes)])
    }

    /// Copies `source`, read as `sourceFormat`, into a new `destination` image of
    /// `targetFormat`, reporting progress (0…100) from the reader thread as `qemu-img -p`
    /// prints it. A raw source is copied byte for byte whatever its content looks like.
    ///
    /// With `backingFile` (qcow2 targets only, its format `backingFormat` given as for
    /// ``create(path:format:sizeBytes:backingFile:backingFormat:)``) the copy is an overlay on
    /// that file (`-B`, `-F`): only what `source` holds above its own backing file, which must
    /// be the same image, is written.
    /// - Throws: ``Error/invalidArgument(_:)`` for a backing file without its format or on a
    ///   target that is not qcow2.
    public func convert(
        from source: String, to destination: String,
        sourceFormat: QemuDisk.Format, targetFormat: QemuDisk.Format,
        backingFile: String? = nil, backingFormat: QemuDisk.Format? = nil,
        progress: (@Sendable (Double) -> Void)? = nil
    ) async throws(Error) {
        var arguments = ["convert"]
        if progress != nil { arguments.append("-p") }
        arguments += ["-f", sourceFormat.rawValue, "-O", targetFormat.rawValue]
        if let backingFile {
            guard targetFormat == .qcow2 else { throw .invalidArgument("a backing file needs the qcow2 format") }
            guard let backingFormat else {
                throw .invalidArgument("give the format of backing file \(backingFile) (backingFormat); qemu-img must not guess it")
            }
            arguments += ["-B", backingFile, "-F", backingFormat.rawValue]
        }
        arguments += ["--", source, destination]
        _ = try await run(arguments) { stream, line in
            guard stream == .standardOutput, let progress, let value = Self.parseProgress(line) else { return }
            progress(value)
        }
    }

    /// Checks an image's consistency (`check -f FORMAT --output=json`). Corruptions and leaks
    /// are reported in the result, not thrown; formats without checks (raw) throw.
    public func check(path: String, format: QemuDisk.Format) async throws(Error) -> QemuImageCheck {
        let arguments = ["check", "--output=json", "-f", format.rawValue, "--", path]
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(executable, arguments, check: false)
        } catch {
            throw .from(error, executable: executable)
        }
        // 0: clean, 2: corruptions, 3: leaks — all print a JSON report.
        guard [.exited(0), .exited(2), .exited(3)].contains(result.termination) else {
            throw .failed(arguments: arguments, termination: result.termination, standardError: result.standardErrorText)
        }
        return try decode(QemuImageCheck.self, result.standardOutputText)
    }

    private func run(
        _ arguments: [String], onLine: (@Sendable (OutputStream, String) -> Void)? = nil
    ) async throws(Error) -> String {
        do {
            return try await ProcessRunner.run(executable, arguments, onLine: onLine).standardOutputText
        } catch {
            throw .from(error, executable: executable)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws(Error) -> T {
        do {
            return try JSON(parsing: text).decode(T.self)
        } catch {
            throw .decoding("\(error)", raw: text)
        }
    }
}
