import Foundation

/// The spin-testkit executable (child-process workloads).
public func testkitPath() throws -> String { try BuiltExecutables.path("spin-testkit") }
