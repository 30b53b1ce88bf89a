import Foundation
import SpinQemu

extension EmulationAgent {
    /// Makes `vm`'s UEFI variable store (`vms/<id>/efivars.qcow2`) exist when it boots with
    /// UEFI: converted from OVMF's template into a temporary file, then renamed into place, so
    /// a killed writer never leaves half a store. An existing store is kept (it holds the
    /// guest's boot entries); a VM that boots with BIOS has none.
    /// - Returns: whether the file changed.
    func writeFirmwareVariables(for vm: VM) async throws -> Bool {
        let path = paths(vm.id).efiVariables
        guard vm.firmware == .uefi else {
            // Only spin writes in the VM's own directory: a store there is one it made.
            return (try? FileManager.default.removeItem(atPath: path)) != nil
        }
        if FileManager.default.fileExists(atPath: path) { return false }
        let template = try OVMFFirmware.locate().variablesTemplate
        let temporary = path + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try await QemuImg().convert(from: template, to: temporary, sourceFormat: .raw, targetFormat: .qcow2)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw SpinError(.actionFailed, "cannot make VM \(vm.name)'s UEFI variable store from \(template): \(error)", cause: error)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw SpinError(.internal, "cannot move the UEFI variable store into place at \(path): \(String(cString: strerror(code)))")
        }
        return true
    }
}
