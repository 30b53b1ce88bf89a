import ArgumentParser

/// `spin-bench`: benchmarks that print spin's figures next to a baseline run in the same
/// process (raw LMDB, raw qemu), as ratios. Not tests: nothing here asserts a time.
@main
struct SpinBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin-bench",
        abstract: "Benchmarks of spin against raw baselines, printed as ratios.",
        subcommands: [CLIBench.self, GuestBootBench.self, NetBench.self, SnapshotBench.self, StoreBench.self, BrokerBench.self, FleetBrokerBench.self, BrokerPruneBench.self, RegistryBench.self, QMPBench.self, VMBench.self, ManyStartBench.self, ServerBench.self]
    )
}
