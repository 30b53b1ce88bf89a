/// Escaping and quoting of values in systemd unit files (systemd.syntax, systemd.service
/// "Command lines", systemd.unit "Specifiers").
///
/// Every value is subject to specifier expansion, so `%` is written `%%`. Command-line words
/// are unquoted and C-unescaped by systemd and then get `$VAR` expansion at exec time, so `$`
/// is written `$$` there (but not in `Environment=`, which does not expand variables).
public enum UnitFileSyntax {
    /// Characters that never need quotes in a command-line or environment word.
    private static let plainScalars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,:=@-".unicodeScalars)

    /// Quotes one word of `ExecStart=`/`ExecStop=` (`expandsVariables: true`) or the single
    /// `KEY=value` word of `Environment=` (`expandsVariables: false`), so that systemd hands the
    /// program exactly `word`. Non-ASCII text is kept as UTF-8.
    ///
    /// - Throws: `.invalidArgument` for line breaks and control characters other than tab,
    ///   which a unit file cannot carry.
    public static func quoteWord(_ word: String, expandsVariables: Bool, field: String) throws(SpinError) -> String {
        var escaped = ""
        var needsQuotes = word.isEmpty
        for scalar in word.unicodeScalars {
            switch scalar {
            case "%": escaped += "%%"
            case "$" where expandsVariables: escaped += "$$"
            case "\\": escaped += "\\\\"; needsQuotes = true
            case "\"": escaped += "\\\""; needsQuotes = true
            case "\t": escaped += "\\t"; needsQuotes = true
            default:
                try refuseControl(scalar, in: word, field: field)
                if !plainScalars.contains(scalar) && scalar.isASCII { needsQuotes = true }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return needsQuotes ? "\"" + escaped + "\"" : escaped
    }

    /// A whole command line: every word quoted as needed, joined by spaces.
    ///
    /// The program must be an absolute path (so it cannot be mistaken for the `-`, `@`, `+`,
    /// `!`, `:` prefixes) without quotes, backslashes or control characters, which systemd
    /// refuses in executable names. systemd expands `$VAR` in the arguments, argv[0] included,
    /// but not in the executable path; a program path with `$` is therefore written in the
    /// `@path argv0` form, so both the path and argv[0] arrive unchanged.
    public static func commandLine(_ argv: [String], field: String) throws(SpinError) -> String {
        guard let program = argv.first else {
            throw SpinError(.invalidArgument, "\(field) needs a program; got an empty argument list")
        }
        guard program.utf8.first == UInt8(ascii: "/") else {
            throw SpinError(.invalidArgument, "\(field) program \"\(program)\" must be an absolute path")
        }
        if program.unicodeScalars.contains(where: { "\"'\\".unicodeScalars.contains($0) || $0.value < 0x20 || $0.value == 0x7F }) {
            throw SpinError(.invalidArgument, "\(field) program \(program.debugDescription) contains quotes, backslashes or control characters, which systemd refuses in executable paths; move or link the program elsewhere")
        }
        var words: [String] = []
        if program.contains("$") {
            words.append(try quoteWord("@" + program, expandsVariables: false, field: field))
        }
        for argument in argv { words.append(try quoteWord(argument, expandsVariables: true, field: field)) }
        return words.joined(separator: " ")
    }

    /// A value written as-is apart from `%%` (`Description=`, `WorkingDirectory=`): systemd
    /// neither unquotes nor unescapes it, strips surrounding whitespace, and would read a
    /// trailing backslash as a line continuation, so those are refused.
    public static func plainValue(_ value: String, field: String) throws(SpinError) -> String {
        if value.first?.isWhitespace == true || value.last?.isWhitespace == true {
            throw SpinError(.invalidArgument, "\(field) \"\(value)\" must not start or end with whitespace")
        }
        if value.hasSuffix("\\") {
            throw SpinError(.invalidArgument, "\(field) \"\(value)\" must not end with a backslash")
        }
        var escaped = ""
        for scalar in value.unicodeScalars {
            if scalar == "\t" { throw SpinError(.invalidArgument, "\(field) must not contain a tab") }
            try refuseControl(scalar, in: value, field: field)
            if scalar == "%" { escaped += "%%" } else { escaped.unicodeScalars.append(scalar) }
        }
        return escaped
    }

    /// A unit name in a dependency list (`After=`, `Wants=`, `WantedBy=`).
    public static func unitName(_ name: String, field: String) throws(SpinError) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.\\@-".unicodeScalars)
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains), name.contains(".") else {
            throw SpinError(.invalidArgument, "\(field) entry \"\(name)\" is not a valid unit name such as network-online.target")
        }
        return name
    }

    private static func refuseControl(_ scalar: Unicode.Scalar, in value: String, field: String) throws(SpinError) {
        guard scalar.value < 0x20 || scalar.value == 0x7F else { return }
        let what = scalar == "\n" || scalar == "\r" ? "a line break" : "control character U+\(String(scalar.value, radix: 16))"
        throw SpinError(.invalidArgument, "\(field) value \(value.debugDescription) contains \(what), which a unit file cannot hold")
    }
}
