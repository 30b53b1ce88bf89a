import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Turns sd-bus failures into ``SpinError`` values that name the operation, the unit and the
/// D-Bus error (name and message).
enum BusErrors {
    /// An error reply from systemd, such as `org.freedesktop.systemd1.NoSuchUnit`.
    static func reply(_ error: UnsafePointer<sd_bus_error>, doing what: String) -> SpinError {
        let name = error.pointee.name.map { String(cString: $0) } ?? "unknown error"
        let message = error.pointee.message.map { String(cString: $0) } ?? ""
        let detail = message.isEmpty ? name : "\(name): \(message)"
        return SpinError(code(forErrorName: name), "systemd could not \(what): \(detail)")
    }

    /// A local sd-bus failure with a negative errno.
    static func local(_ result: Int32, doing what: String, code: SpinError.Code = .unavailable) -> SpinError {
        SpinError(code, "cannot \(what): \(String(cString: strerror(-result)))")
    }

    /// Maps D-Bus error names to SpinError codes.
    static func code(forErrorName name: String) -> SpinError.Code {
        switch name {
        case "org.freedesktop.systemd1.NoSuchUnit", "org.freedesktop.systemd1.LoadFailed",
            "org.freedesktop.systemd1.NoSuchJob", "org.freedesktop.DBus.Error.UnknownObject":
            .notFound
        case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
            .forbidden
        case "org.freedesktop.DBus.Error.Timeout", "org.freedesktop.DBus.Error.TimedOut":
            .timeout
        case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Disconnected",
            "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NoServer":
            .unavailable
        case "org.freedesktop.DBus.Error.InvalidArgs", "org.freedesktop.systemd1.UnitMasked":
            .failedPrecondition
        default:
            .actionFailed
        }
    }
}
