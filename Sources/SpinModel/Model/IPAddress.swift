import Glibc

/// IP literal helpers built on `inet_pton`/`inet_ntop`. Internal to SpinCore.
enum IPAddress {
    /// The address family of an IP literal: 4, 6, or nil when `text` is neither.
    static func family(of text: String) -> Int? {
        guard !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return 4 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return 6 }
        return nil
    }

    /// The canonical spelling of an IP literal (`::0001` → `::1`), or nil when `text` is none.
    static func canonical(_ text: String) -> String? {
        guard let family = family(of: text) else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok: Bool
        if family == 4 {
            var v4 = in_addr()
            _ = inet_pton(AF_INET, text, &v4)
            ok = inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil
        } else {
            var v6 = in6_addr()
            _ = inet_pton(AF_INET6, text, &v6)
            ok = inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the literal means "every address" (`0.0.0.0` or `::`).
    static func isWildcard(_ text: String) -> Bool {
        let canonical = canonical(text)
        return canonical == "0.0.0.0" || canonical == "::"
    }
}
