/// Splits the guest agent's byte stream into JSON lines.
///
/// The agent ends every reply with `\n` and sends a 0xFF sentinel byte before the reply to
/// `guest-sync-delimited`. A sentinel resets the splitter: the partial line before it is
/// stale data from an earlier client and is dropped. Empty lines are skipped.
struct GuestAgentFrameSplitter {
    /// The delimiter qemu-ga sends before a `guest-sync-delimited` reply (and expects before
    /// the request, to flush its own parser).
    static let sentinel: UInt8 = 0xFF

    private var pending: [UInt8] = []

    /// Appends `bytes` and emits every completed line.
    mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (String) -> Void) {
        for byte in bytes {
            switch byte {
            case Self.sentinel:
                pending.removeAll(keepingCapacity: true)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
                pending.removeAll(keepingCapacity: true)
            default:
                pending.append(byte)
            }
        }
    }
}
