import Foundation
@testable import SpinCore
import Testing

/// The network agent's own files under `ROOT/networks/<name>/`, on a real temporary root
/// (no link, no process: nothing here touches the host's networking).
@Suite("a managed network's directory: removed whole, whatever a killed delivery left in it")
struct NetworkDirectoryTests {
    /// An agent on a temporary root whose network `lan` has its directory (keep the registry
    /// alive: its directory is the root).
    static func made() throws -> (TemporaryRegistry, NetworkAgent, NetworkPaths) {
        let temp = try TemporaryRegistry()
        let root = SpinRoot(explicit: temp.directory)
        let agent = NetworkAgent(root: root, registry: temp.registry)
        let paths = NetworkPaths(root: root, name: "lan")
        try agent.makeDirectory(paths.directory)
        return (temp, agent, paths)
    }

    @Test("removing the directory also removes the temporary files a delivery killed inside writeFile left (the cause of the killed-create leftover)")
    func leftoverTemporaries() throws {
        let (temp, agent, paths) = try Self.made()
        _ = temp
        try agent.writeFile(paths.config, "interface=spinbr0\n")
        // A delivery killed between writing the temporary file and renaming it over the real one.
        for leftover in [paths.dhcpHosts + ".tmp", paths.names + ".tmp", paths.nftables + ".tmp"] {
            #expect(FileManager.default.createFile(atPath: leftover, contents: Data("x".utf8)))
        }
        try agent.removeDirectory(paths)
        #expect(!FileManager.default.fileExists(atPath: paths.directory))
        // Gone already: removing again succeeds.
        try agent.removeDirectory(paths)
    }

    @Test("a directory that cannot be removed (something not spin's inside) fails the delete, naming the path")
    func unremovable() throws {
        let (temp, agent, paths) = try Self.made()
        _ = temp
        try FileManager.default.createDirectory(atPath: paths.directory + "/someone-elses", withIntermediateDirectories: false)
        let error = try #require(throws: SpinError.self) { try agent.removeDirectory(paths) }
        #expect(error.message.contains(paths.directory))
        #expect(FileManager.default.fileExists(atPath: paths.directory + "/someone-elses"))
    }
}
