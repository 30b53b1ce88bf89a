// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "spin",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SpinCore", targets: ["SpinCore"]),
        .library(name: "SpinStore", targets: ["SpinStore"]),
        .library(name: "SpinQemu", targets: ["SpinQemu"]),
        .executable(name: "spin", targets: ["spin"]),
        .executable(name: "spin-server", targets: ["spin-server"]),
        .executable(name: "spin-bench", targets: ["spin-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "SpinStore", dependencies: ["CLMDB"], exclude: ["README.md"]),
        .target(name: "SpinQemu", exclude: ["README.md"]),
        .target(
            name: "SpinCore",
            dependencies: [
                "SpinStore", "SpinQemu", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "spin",
            dependencies: [
                "SpinCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "spin-server",
            dependencies: [
                "SpinCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "spin-bench",
            dependencies: [
                "SpinStore", "SpinCore", "SpinQemu", "CLMDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Child-process workloads for crash and multi-process tests.
        .executableTarget(
            name: "spin-testkit",
            dependencies: ["SpinStore", "SpinCore"]
        ),
        .testTarget(name: "SpinStoreTests", dependencies: ["SpinStore", "CLMDB", "spin-testkit", "SpinTestSupport"]),
        .testTarget(name: "SpinQemuTests", dependencies: ["SpinQemu"]),
        .testTarget(name: "SpinCoreTests", dependencies: ["SpinCore", "spin-testkit", "SpinTestSupport"]),
        // Helpers shared by the test targets: a private systemd user manager, test guests.
        .target(name: "SpinTestSupport", dependencies: ["SpinCore"], path: "Tests/SpinTestSupport"),
        // Real guests under real supervisors; `spin` is built for the units' ExecStop.
        .testTarget(name: "SpinSystemTests", dependencies: ["SpinCore", "SpinTestSupport", "spin"]),
        // Black-box tests of the built `spin` binary.
        .testTarget(name: "SpinCLITests", dependencies: ["SpinCore", "SpinTestSupport", "spin"]),
    ],
    swiftLanguageModes: [.v6]
)
