import Foundation

extension Spin {
    /// Starts every VM marked `autostart` that is not running, one package per VM, all at
    /// once. Under the direct supervisor the server calls this when it starts; under systemd
    /// the manager starts the enabled units itself. Starting a running VM is a no-op, so
    /// calling this twice is harmless.
    /// - Returns: each autostart VM's id with nil (started or already running) or the error
    ///   that kept it from starting.
    public func startAutostartVMs() async -> [(vm: VM, error: SpinError?)] {
        let vms = await ((try? listVMs()) ?? []).filter(\.autostart)
        return await withTaskGroup(of: (VM, SpinError?).self) { group in
            for vm in vms {
                group.addTask {
                    do {
                        try await self.startVM(String(vm.id))
                        return (vm, nil)
                    } catch let error as SpinError {
                        return (vm, error)
                    } catch {
                        return (vm, SpinError(.actionFailed, "VM \(vm.name) did not start: \(error)", cause: error))
                    }
                }
            }
            var results: [(vm: VM, error: SpinError?)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.vm.id < $1.vm.id }
        }
    }
}
