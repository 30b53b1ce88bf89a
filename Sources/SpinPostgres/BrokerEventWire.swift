import Foundation
import SpinModel

/// Broker events as NOTIFY payloads on the `spin_broker` channel, so every server's event
/// streams see the changes any server made.
///
/// A payload is `ev ORIGIN` then one event per line: `c ID PACKAGE STATE RESOURCE` for a
/// command, `p PACKAGE STATE` for a package (`spin_broker_complete` writes the same lines,
/// after an `event:` prefix). `ORIGIN` names the broker that sent it, which has published
/// them to its own streams already and skips them when they come back.
enum BrokerEventWire {
    /// The payload's first word; other payloads on the channel are bare wake-ups.
    static let marker = "ev"
    /// NOTIFY refuses payloads of 8,000 bytes or more.
    static let payloadLimit = 7_900

    /// One line per event.
    static func line(_ event: BrokerEvent) -> String {
        switch event {
        case .commandChanged(let id, let package, let resource, let state): "c \(id.uuidString) \(package) \(state.rawValue) \(resource)"
        case .packageChanged(let id, let state): "p \(id) \(state.rawValue)"
        }
    }

    /// The event on `line`, or nil for a line this version does not know.
    static func event(_ line: Substring) -> BrokerEvent? {
        let fields = line.split(separator: " ", maxSplits: 4)
        switch fields.first {
        case "c":
            guard fields.count == 5, let id = UUID(uuidString: String(fields[1])), let package = UInt64(fields[2]),
                let state = CommandState(rawValue: String(fields[3]))
            else { return nil }
            return .commandChanged(id: id, package: package, resource: String(fields[4]), state: state)
        case "p":
            guard fields.count == 3, let package = UInt64(fields[1]), let state = PackageState(rawValue: String(fields[2])) else { return nil }
            return .packageChanged(id: package, state: state)
        default:
            return nil
        }
    }

    /// `lines` as payloads from `origin`, each under the NOTIFY limit, in order.
    static func payloads(_ lines: [String], origin: UUID) -> [String] {
        let header = "\(marker) \(origin.uuidString)"
        var payloads: [String] = []
        var current = header
        for line in lines {
            if current.utf8.count + 1 + line.utf8.count > payloadLimit, current != header {
                payloads.append(current)
                current = header
            }
            current += "\n" + line
        }
        if current != header { payloads.append(current) }
        return payloads
    }

    /// The origin and events of an event payload; nil for any other payload.
    static func decode(_ payload: String) -> (origin: UUID, events: [BrokerEvent])? {
        guard payload.hasPrefix(marker + " ") else { return nil }
        let lines = payload.split(separator: "\n")
        guard let first = lines.first, let origin = UUID(uuidString: String(first.dropFirst(marker.count + 1))) else { return nil }
        return (origin, lines.dropFirst().compactMap(event))
    }
}
