import CSystemd

/// A basic D-Bus value read from a variant; containers other than string arrays are skipped.
enum BusValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case strings([String])
    case unsupported(String)

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var uint32Value: UInt32? {
        switch self {
        case .uint32(let v): v
        case .int32(let v): UInt32(exactly: v)
        default: nil
        }
    }

    var int32Value: Int32? {
        switch self {
        case .int32(let v): v
        case .uint32(let v): Int32(exactly: v)
        default: nil
        }
    }
}
