import ArgumentParser
import SpinCore
import SpinServer

/// `spin-server token`: prints the bearer token TCP clients need, creating it when missing.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the bearer token for TCP clients (created at first use, mode 0600).")

    @OptionGroup var options: RootOptions

    func run() async throws {
        let root = options.spinRoot
        do {
            try root.create()
            print(try ServerToken.loadOrCreate(in: root).value)
        } catch let error as SpinError {
            throw ValidationError(error.message)
        }
    }
}
