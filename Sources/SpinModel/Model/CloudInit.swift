import Foundation

/// A VM's cloud-init (NoCloud) settings: spin builds the VM's seed from them — `meta-data`
/// with the instance id and the VM's name as host name, `user-data` making ``userName`` with
/// ``authorizedKeys`` (or the user's own ``userData``) — and attaches it as a read-only drive.
///
/// JSON: `{"userName":"spin","authorizedKeys":["ssh-ed25519 AAAA… me@host"],
/// "userData":"#cloud-config\n…","instanceID":"spin-1f2e3d4c5b6a7988"}`; every key may be left
/// out of a ``VMSpec`` (spin adds the data root's own key and picks the instance id).
public struct CloudInit: Sendable, Codable, Equatable, Hashable {
    /// The default user's name when none is given.
    public static let defaultUserName = "spin"
    /// The most authorized keys.
    public static let maxKeys = 64
    /// The longest authorized key line, in bytes.
    public static let maxKeyBytes = 8192
    /// The largest user-data, in characters (Unicode scalars, as JSON Schema counts).
    public static let maxUserDataCharacters = 65536

    /// The user cloud-init makes (passwordless sudo, SSH keys only) and `spin ssh` logs in as.
    /// With ``userData`` of the user's own, only `spin ssh` uses it: the user-data decides.
    public var userName: String
    /// OpenSSH public keys, one line each, authorized for ``userName`` (with own user-data:
    /// given to the distribution's default user through `meta-data`'s `public-keys`).
    public var authorizedKeys: [String]
    /// The user's own user-data (e.g. a `#cloud-config` file), written instead of spin's.
    public var userData: String?
    /// cloud-init's instance id: stable for the VM's life, so cloud-init runs its
    /// per-instance steps once; a clone gets a new one (``VM/withNewInstanceID()``). nil in a
    /// spec: spin picks one.
    public var instanceID: String?

    /// Creates settings.
    public init(userName: String = CloudInit.defaultUserName, authorizedKeys: [String] = [], userData: String? = nil, instanceID: String? = nil) {
        self.userName = userName
        self.authorizedKeys = authorizedKeys
        self.userData = userData
        self.instanceID = instanceID
    }

    /// A fresh instance id: `spin-` and 16 random hex digits.
    public static func newInstanceID() -> String {
        "spin-" + String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
    }

    /// Every problem; fields are relative (`userName`, `authorizedKeys[0]`, `userData`, `instanceID`).
    /// The rules are the OpenAPI document's, word for word.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        if !Self.isUserName(userName) {
            validator.add("userName", "\(quoted(userName)) is not a user name; start with a lowercase letter or \"_\", then lowercase letters, digits, \"_\" or \"-\" (at most 32)")
        }
        validator.count(authorizedKeys.count, at: Self.maxKeys, field: "authorizedKeys")
        for (index, key) in authorizedKeys.enumerated() where !Self.isPublicKeyLine(key) {
            validator.add("authorizedKeys[\(index)]", "\(quoted(String(key.prefix(40)))) is not an OpenSSH public key line; give the .pub file's line (ssh-ed25519 AAAA…, ssh-rsa AAAA…, ecdsa-sha2-… or sk-…) in printable ASCII, at most \(Self.maxKeyBytes) characters; never a private key")
        }
        if let userData {
            if userData.unicodeScalars.count > Self.maxUserDataCharacters {
                validator.add("userData", "is \(userData.unicodeScalars.count) characters; keep user-data to at most \(Self.maxUserDataCharacters)")
            } else if userData.utf8.contains(0) {
                validator.add("userData", "contains a NUL byte; give a text file")
            } else if userData.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
                validator.add("userData", "is empty; give a file that starts with #cloud-config (or a script starting with #!), or leave it out")
            }
        }
        if let instanceID, !Self.isInstanceID(instanceID) {
            validator.add("instanceID", "\(quoted(instanceID)) must be 1 to 128 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit")
        }
        return validator.problems
    }

    /// An authorized-keys line: printable ASCII, at most 8192 characters, with a word starting
    /// `ssh-`, `ecdsa-sha2-` or `sk-` followed by one starting `AAAA` (options may come first)
    /// — the document's `^([ -~]* )?(ssh-|ecdsa-sha2-|sk-)[!-~]* +AAAA[ -~]*$`.
    public static func isPublicKeyLine(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        guard !bytes.isEmpty, bytes.count <= maxKeyBytes, bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return false }
        // Words as the pattern sees them: a word starts at the line's start or after a space.
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        for index in words.indices.dropLast() {
            let word = words[index]
            guard word.hasPrefix("ssh-") || word.hasPrefix("ecdsa-sha2-") || word.hasPrefix("sk-") else { continue }
            // One or more spaces, then AAAA.
            if let next = words[(index + 1)...].first(where: { !$0.isEmpty }), next.hasPrefix("AAAA") { return true }
        }
        return false
    }

    /// `[a-z_][a-z0-9_-]{0,31}`.
    public static func isUserName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 32 else { return false }
        let lower = { (b: UInt8) in b >= 0x61 && b <= 0x7A }
        let digit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        return (lower(first) || first == 0x5F) && bytes.allSatisfy { lower($0) || digit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Letters, digits, `.`, `_`, `-`, starting with a letter or digit; 1 to 128.
    public static func isInstanceID(_ text: String) -> Bool {
        let alphanumeric = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        guard let first = text.utf8.first, alphanumeric(first), text.utf8.count <= 128 else { return false }
        return text.utf8.allSatisfy { alphanumeric($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }
}
