// swift-tools-version: 6.2
import PackageDescription

// swift-openapi-generator writes the same `public import`s into each file it generates, and
// Swift warns about every one a file does not use (24 warnings; apple/swift-openapi-generator#946).
// The generator silences them with `@diagnose(UnusedImportAccess, as: ignored)`, which it emits
// only for Swift 6.4 and later; before that the warning has no diagnostic group, so -Wwarning and
// -Werror cannot name it. Until then SpinAPI builds with its warnings suppressed — its own
// handwritten files included, so read warnings there with this flag removed. (unsafeFlags do not
// stop another package using spin's libraries: SpinAPI is in none of them.)
#if compiler(>=6.4)
let spinAPISwiftSettings: [SwiftSetting] = []
#else
let spinAPISwiftSettings: [SwiftSetting] = [.unsafeFlags(["-suppress-warnings"])]
#endif

let package = Package(
    name: "spin",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SpinModel", targets: ["SpinModel"]),
        .library(name: "SpinCore", targets: ["SpinCore"]),
        .library(name: "SpinStore", targets: ["SpinStore"]),
        .library(name: "SpinQemu", targets: ["SpinQemu"]),
        .library(name: "SpinPostgres", targets: ["SpinPostgres"]),
        .executable(name: "spin", targets: ["spin"]),
        .executable(name: "spin-server", targets: ["spin-server"]),
        .executable(name: "spin-bench", targets: ["spin-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // spin-server: the HTTP API, its generated stubs and client.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The console WebSocket client (TCP or unix socket) and the server's console proxies.
        .package(url: "https://github.com/apple/swift-nio", from: "2.86.0"),
        // The fleet store: registry and broker in PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "SpinStore", dependencies: ["CLMDB"], exclude: ["README.md"]),
        .target(name: "SpinQemu", exclude: ["README.md"]),
        // Entities, validation, SpinError and the service protocol: no C library, so a
        // program that only talks to a server builds without liblmdb or libsystemd.
        .target(name: "SpinModel"),
        .target(
            name: "SpinCore",
            dependencies: [
                "SpinModel", "SpinStore", "SpinQemu", "CSystemd", "CLinux",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fleet store: broker, registry and paired writes in PostgreSQL, behind the same
        // protocols as the LMDB store. Only spin-server and programs that choose it link it.
        .target(
            name: "SpinPostgres",
            dependencies: [
                "SpinModel", "SpinCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The CLI: the SDK embedded, the client with --host; `spin serve` runs spin-server.
        .executableTarget(
            name: "spin",
            dependencies: [
                "SpinCore", "SpinClient", "SpinQemu", "SpinStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The OpenAPI document (the API's single source of truth) and the types, server stubs
        // and client that swift-openapi-generator makes from it at build time.
        .target(
            name: "SpinAPI",
            dependencies: ["SpinModel", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.copy("openapi.yaml")],
            swiftSettings: spinAPISwiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The generated client over AsyncHTTPClient (TCP or unix socket), with a facade-shaped wrapper.
        .target(
            name: "SpinClient",
            dependencies: [
                "SpinAPI", "SpinModel",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP server as a library: handlers over the facade, auth, errors, events, metrics.
        .target(
            name: "SpinServer",
            dependencies: [
                "SpinAPI", "SpinModel", "SpinCore", "SpinStore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "spin-server",
            dependencies: [
                "SpinCore", "SpinQemu", "SpinServer", "SpinClient", "SpinPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Real parts for tests and benchmarks: a private systemd user manager, free loopback ports.
        .target(name: "SpinHarness", dependencies: ["SpinCore", "SpinQemu"]),
        .executableTarget(
            name: "spin-bench",
            dependencies: [
                "SpinStore", "SpinCore", "SpinQemu", "CLMDB", "SpinHarness", "SpinServer", "SpinPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Child-process workloads for crash and multi-process tests.
        .executableTarget(
            name: "spin-testkit",
            dependencies: ["SpinStore", "SpinCore", "SpinPostgres", "SpinClient", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(name: "SpinStoreTests", dependencies: ["SpinStore", "CLMDB", "spin-testkit", "SpinTestSupport"]),
        .testTarget(name: "SpinQemuTests", dependencies: ["SpinQemu"]),
        // Broker, registry and control-plane contracts on both stores, with a real throwaway
        // PostgreSQL (scripts/throwaway-postgres); faults and serving processes.
        // Two `spin-server`s on one database are driven over HTTP (SpinClient).
        .testTarget(name: "SpinPostgresTests", dependencies: ["SpinPostgres", "SpinCore", "SpinClient", "SpinTestSupport", "spin-testkit", "spin-server"]),
        .testTarget(name: "SpinCoreTests", dependencies: ["SpinCore", "SpinQemu", "SpinStore", "spin-testkit", "SpinTestSupport"]),
        // Helpers shared by the test targets: a private systemd user manager, test guests.
        .target(name: "SpinTestSupport", dependencies: ["SpinCore", "SpinHarness"], path: "Tests/SpinTestSupport"),
        // Real guests under real supervisors; `spin` is built for the units' ExecStop.
        .testTarget(name: "SpinSystemTests", dependencies: ["SpinCore", "SpinTestSupport", "spin", "spin-server"]),
        // Black-box tests of the built `spin` binary.
        .testTarget(name: "SpinCLITests", dependencies: ["SpinCore", "SpinTestSupport", "spin", "spin-server"]),
        // The HTTP API in-process (router tests) and live (unix socket, TCP, client, agents).
        .testTarget(
            name: "SpinServerTests",
            dependencies: [
                "SpinServer", "SpinClient", "SpinAPI", "SpinCore", "SpinQemu", "SpinTestSupport", "spin-server", "spin",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
