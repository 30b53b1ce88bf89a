/// The allow-list of qemu's setuid `qemu-bridge-helper`, read the way the helper reads it
/// (qemu's `qemu-bridge-helper.c`), so a caller can tell before qemu starts whether the helper
/// will let a NIC join a bridge.
///
/// The file (`/etc/qemu/bridge.conf`; the path is compiled into the helper) holds one rule a
/// line: `allow NAME`, `allow all`, `deny NAME`, `deny all`, `include FILE`; `#` starts a
/// comment line and blank lines are skipped. The command ends at the line's first space (a tab
/// only when there is no space); the argument is trimmed and names longer than 15 bytes are
/// cut there. Any other command, or a command without an argument, makes the helper refuse
/// the whole file; an included file that is missing or bad is ignored (the rules read before
/// its bad line stay). Order does not matter: a bridge is permitted when some `allow` rule
/// matches it and no `deny` rule does — a matching `deny` wins wherever it stands.
public struct QemuBridgeACL: Sendable, Equatable {
    /// One rule and where it was read.
    public struct Rule: Sendable, Equatable {
        /// What a rule does.
        public enum Kind: Sendable, Equatable {
            case allow(String), allowAll, deny(String), denyAll
        }
        /// The rule.
        public var kind: Kind
        /// `FILE:LINE`.
        public var source: String

        /// Creates a rule.
        public init(_ kind: Kind, source: String) {
            self.kind = kind
            self.source = source
        }

        func matches(_ bridge: String) -> Bool {
            switch kind {
            case .allowAll, .denyAll: return true
            case .allow(let name), .deny(let name): return name == bridge
            }
        }

        var allows: Bool {
            switch kind {
            case .allow, .allowAll: return true
            case .deny, .denyAll: return false
            }
        }
    }

    /// Why the helper would refuse the whole file.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// `FILE` or `FILE:LINE`.
        public var source: String
        /// What is wrong.
        public var reason: String
        public var description: String { "\(source): \(reason)" }
    }

    /// What the helper decides for one bridge.
    public enum Decision: Sendable, Equatable {
        /// An `allow` rule matches and no `deny` does.
        case permitted(by: Rule)
        /// No `allow` rule matches.
        case notAllowed
        /// A `deny` rule matches (whatever `allow` rules say).
        case denied(by: Rule)
    }

    /// The helper's default ACL file.
    public static let defaultPath = "/etc/qemu/bridge.conf"
    /// How deep `include`s are followed (the helper recurses until it runs out of files).
    static let maxIncludeDepth = 16

    /// Every rule, in the order read (includes in place).
    public var rules: [Rule]

    /// Creates an ACL of `rules`.
    public init(rules: [Rule]) { self.rules = rules }

    /// Reads the ACL at `path`; `read` returns a file's text, nil when it cannot be opened.
    /// - Throws: ``ParseError`` when the helper would refuse the file: `path` cannot be opened,
    ///   or holds a line that is not a rule.
    public static func parse(path: String = defaultPath, read: (String) -> String?) throws -> QemuBridgeACL {
        guard let text = read(path) else { throw ParseError(source: path, reason: "cannot be opened") }
        var rules: [Rule] = []
        try parse(text, path: path, into: &rules, depth: 0, read: read)
        return QemuBridgeACL(rules: rules)
    }

    private static func parse(_ text: String, path: String, into rules: inout [Rule], depth: Int, read: (String) -> String?) throws {
        for (number, raw) in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop(while: isSpace)
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            let source = "\(path):\(number + 1)"
            guard let split = line.firstIndex(of: 0x20) ?? line.firstIndex(of: 0x09) else {
                throw ParseError(source: source, reason: "\(String(decoding: line, as: UTF8.self).debugDescription) is not a rule (a command and an argument: allow NAME, deny NAME, allow all, deny all or include FILE)")
            }
            let command = String(decoding: line[..<split], as: UTF8.self)
            var argument = line[(split + 1)...].drop(while: isSpace)
            while let last = argument.last, isSpace(last) { argument = argument.dropLast() }
            let text = String(decoding: argument, as: UTF8.self)
            let name = String(decoding: argument.prefix(15), as: UTF8.self)
            switch command {
            case "allow": rules.append(Rule(text == "all" ? .allowAll : .allow(name), source: source))
            case "deny": rules.append(Rule(text == "all" ? .denyAll : .deny(name), source: source))
            case "include":
                // The helper ignores an include it cannot read or parse.
                guard depth < maxIncludeDepth, let included = read(text) else { continue }
                try? parse(included, path: text, into: &rules, depth: depth + 1, read: read)
            default:
                throw ParseError(source: source, reason: "unknown command \(command.debugDescription) (the helper knows allow, deny and include)")
            }
        }
    }

    /// C's `isspace` in the "C" locale.
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// What the helper decides for `bridge`.
    public func decision(for bridge: String) -> Decision {
        let matching = rules.filter { $0.matches(bridge) }
        if let deny = matching.first(where: { !$0.allows }) { return .denied(by: deny) }
        if let allow = matching.first(where: \.allows) { return .permitted(by: allow) }
        return .notAllowed
    }
}
