import Foundation
import Synchronization

/// A progress line on standard error for actions that take a while: it appears after half a
/// second, shows a spinner, the elapsed time and (when known) a percentage, and is erased when
/// the action ends. Silent when standard error is not a terminal or the output is JSON.
final class Progress: Sendable {
    private let label: String
    private let fraction = Mutex<Double?>(nil)

    /// The progress line being drawn, which qemu-img's progress reports go to.
    private static let active = Mutex<Progress?>(nil)

    private init(label: String) { self.label = label }

    /// Forwards a storage agent's progress report to the active line (see ``SpinOptions``).
    static let storageSink: @Sendable (UUID, Double) -> Void = { _, fraction in
        active.withLock { $0 }?.report(fraction)
    }

    /// Whether progress lines are drawn at all.
    static func enabled(_ global: GlobalOptions) -> Bool {
        isatty(STDERR_FILENO) == 1 && !global.json
    }

    /// Runs `body` under a progress line labelled `label` ("starting web").
    static func during<T>(_ label: String, _ global: GlobalOptions, _ body: (Progress) async throws -> T) async throws -> T {
        let progress = Progress(label: label)
        guard enabled(global) else { return try await body(progress) }
        let drawer = Task { await progress.draw() }
        active.withLock { $0 = progress }
        defer { active.withLock { $0 = nil } }
        do {
            let result = try await body(progress)
            drawer.cancel()
            _ = await drawer.value
            return result
        } catch {
            drawer.cancel()
            _ = await drawer.value
            throw error
        }
    }

    /// Reports a fraction done, 0...1 (from qemu-img's progress).
    func report(_ value: Double) {
        fraction.withLock { $0 = min(max(value, 0), 1) }
    }

    private func draw() async {
        let start = ContinuousClock.now
        let frames = Array("|/-\\")
        var tick = 0
        do {
            try await Task.sleep(for: .milliseconds(500))
        } catch {
            return
        }
        while !Task.isCancelled {
            let elapsed = Double((ContinuousClock.now - start).components.seconds)
                + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            var line = "\(frames[tick % frames.count]) \(label)… \(String(format: "%.1f", elapsed))s"
            if let done = fraction.withLock({ $0 }) { line += String(format: " %3.0f%%", done * 100) }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            tick += 1
            try? await Task.sleep(for: .milliseconds(100))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
