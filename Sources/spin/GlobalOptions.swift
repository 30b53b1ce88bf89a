import ArgumentParser
import SpinCore

/// Flags every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Data root (default: $SPIN_ROOT, else ~/.config/spin).")
    var root: String?

    /// The resolved data root.
    var spinRoot: SpinRoot { SpinRoot(explicit: root) }
}
