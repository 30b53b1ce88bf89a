/// The MAC address of a VM's NIC: QEMU's locally administered prefix `52:54:00` and three bytes
/// that tell the VMs of one data root apart.
extension VM {
    /// The MAC address the registry gives VM `id`: `52:54:00` followed by 24 bits made from
    /// the id and `salt` by a bijection (an odd multiplier, then an exclusive or), so the
    /// first 16,777,216 VMs of one root all differ, while roots with other salts (the
    /// registry uses its store's path) start elsewhere.
    public static func derivedMACAddress(id: UInt64, salt: UInt64) -> String {
        let mixed = (UInt32(truncatingIfNeeded: id) &* 0x9E_3779) ^ UInt32(truncatingIfNeeded: salt)
        let low = mixed & 0xFF_FFFF
        let bytes = [UInt8(0x52), 0x54, 0x00, UInt8(low >> 16), UInt8((low >> 8) & 0xFF), UInt8(low & 0xFF)]
        return bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// A salt for ``derivedMACAddress(id:salt:)`` from any text (FNV-1a, 64 bits).
    public static func macSalt(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Whether `text` is a unicast MAC address written as six lower-case hex pairs.
    public static func isMACAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ part in
            part.utf8.count == 2 && part.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }), let first = UInt8(parts[0], radix: 16) else { return false }
        return first & 1 == 0
    }
}
