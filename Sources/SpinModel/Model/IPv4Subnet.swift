/// An IPv4 subnet in CIDR notation (`10.77.0.0/24`): a network address and a prefix length.
///
/// Parsing is strict: four decimal parts 0–255 without leading zeros, a prefix of 8–30 (a
/// managed network needs room for its gateway and at least one guest), and no host bits set
/// (`10.77.0.1/24` is refused, naming `10.77.0.0/24`).
public struct IPv4Subnet: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The network address as a 32-bit number (host bits zero).
    public let network: UInt32
    /// The prefix length, 8...30.
    public let prefixLength: Int

    /// The shortest and longest prefixes a managed network accepts.
    public static let prefixRange = 8...30

    /// Parses `text` (`a.b.c.d/n`).
    /// - Throws: ``SpinError`` `invalidArgument` naming what is wrong and the fix.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.parseAddress(String(parts[0])),
            let prefix = Int(parts[1]), String(prefix) == parts[1]
        else {
            throw SpinError(.invalidArgument, "subnet \(quoted(text)) is not IPv4 CIDR notation; give a network address and a prefix length such as 10.77.0.0/24")
        }
        guard Self.prefixRange.contains(prefix) else {
            throw SpinError(.invalidArgument, "subnet \(quoted(text)) has prefix length \(prefix); give a prefix from \(Self.prefixRange.lowerBound) to \(Self.prefixRange.upperBound), such as /24")
        }
        let mask = Self.mask(prefix)
        guard address & ~mask == 0 else {
            let fixed = IPv4Subnet(network: address & mask, prefixLength: prefix)
            throw SpinError(.invalidArgument, "subnet \(quoted(text)) has host bits set; give its network address: \(fixed)")
        }
        self.init(network: address, prefixLength: prefix)
    }

    /// A subnet from its parts (`network`'s host bits are cleared).
    public init(network: UInt32, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.network = network & Self.mask(prefixLength)
    }

    /// The netmask for `prefix` as a 32-bit number.
    public static func mask(_ prefix: Int) -> UInt32 {
        prefix <= 0 ? 0 : (prefix >= 32 ? .max : ~UInt32(0) << UInt32(32 - prefix))
    }

    /// The netmask as a 32-bit number.
    public var mask: UInt32 { Self.mask(prefixLength) }
    /// The broadcast address.
    public var broadcast: UInt32 { network | ~mask }
    /// The gateway: the first address after the network address.
    public var gateway: UInt32 { network + 1 }
    /// The first address a guest may get (after the gateway).
    public var firstGuest: UInt32 { network + 2 }
    /// The last address a guest may get (before the broadcast address).
    public var lastGuest: UInt32 { broadcast - 1 }

    /// Whether `address` lies inside the subnet.
    public func contains(_ address: UInt32) -> Bool { address & mask == network }

    /// Whether the two subnets share any address.
    public func overlaps(_ other: IPv4Subnet) -> Bool {
        let shorter = min(prefixLength, other.prefixLength)
        return network & Self.mask(shorter) == other.network & Self.mask(shorter)
    }

    /// `10.77.0.0/24`.
    public var description: String { "\(Self.format(network))/\(prefixLength)" }

    /// Parses a dotted-quad IPv4 address strictly; nil when `text` is not one.
    public static func parseAddress(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part.count == 1 || part.first != "0", let byte = UInt32(part), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    /// `a.b.c.d` for a 32-bit address.
    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
