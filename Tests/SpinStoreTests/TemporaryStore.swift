import Foundation
import SpinTestSupport
import SpinStore

/// A store in a fresh temporary directory, removed when the value is released.
final class TemporaryStore {
    let directory: String
    let store: Store

    init(options: StoreOptions = StoreOptions(durable: false)) throws {
        directory = try makeTemporaryDirectory()
        store = try Store(path: directory + "/store", options: options)
    }

    var path: String { directory + "/store" }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/spin-store-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
    return String(cString: made)
}


/// Runs spin-testkit to completion and returns its exit status and standard output.
func runTestkit(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try testkitPath())
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
