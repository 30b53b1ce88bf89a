/// The tests use the harness that the benchmarks use too: a private systemd user manager,
/// free loopback ports, ``HarnessError``.
@_exported import SpinHarness
