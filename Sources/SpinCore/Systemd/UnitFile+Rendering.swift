extension UnitFile {
    /// The unit file's text, every value escaped per systemd's syntax.
    /// - Throws: `.invalidArgument` naming the field that cannot be written.
    public func rendered() throws(SpinError) -> String {
        try validateName()
        var lines = ["# Written by spin; changes here are overwritten.", "[Unit]"]
        lines.append("Description=" + (try UnitFileSyntax.plainValue(
            description.trimmingWhitespace(), field: "Description")))
        try appendUnits(after, "After", to: &lines)
        try appendUnits(wants, "Wants", to: &lines)

        lines += ["", "[Service]", "Type=simple"]
        let privileged = sandbox == nil ? "" : "+"
        for command in execStartPre {
            lines.append("ExecStartPre=" + privileged + (try UnitFileSyntax.commandLine(command, field: "ExecStartPre")))
        }
        lines.append("ExecStart=" + (try UnitFileSyntax.commandLine(execStart, field: "ExecStart")))
        if let execStop {
            lines.append("ExecStop=" + privileged + (try UnitFileSyntax.commandLine(execStop, field: "ExecStop")))
        }
        if let timeoutStop {
            let ms = max(0, timeoutStop.components.seconds * 1000 + (timeoutStop.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            lines.append("TimeoutStopSec=\(ms)ms")
        }
        if let killMode { lines.append("KillMode=\(killMode.rawValue)") }
        lines.append("Restart=" + restart.rawValue)
        if restart != .no { lines.append("RestartSec=1s") }
        if let workingDirectory {
            guard workingDirectory.utf8.first == UInt8(ascii: "/") else {
                throw SpinError(.invalidArgument, "WorkingDirectory \"\(workingDirectory)\" must be an absolute path")
            }
            lines.append("WorkingDirectory=" + (try UnitFileSyntax.plainValue(workingDirectory, field: "WorkingDirectory")))
        }
        if let logFile {
            guard logFile.utf8.first == UInt8(ascii: "/") else {
                throw SpinError(.invalidArgument, "log file \"\(logFile)\" must be an absolute path")
            }
            let value = try UnitFileSyntax.plainValue(logFile, field: "StandardOutput")
            lines.append("StandardOutput=append:" + value)
            lines.append("StandardError=append:" + value)
        }
        if let sandbox { lines += try sandbox.lines() }
        for key in environment.keys.sorted() {
            guard Self.isVariableName(key) else {
                throw SpinError(.invalidArgument, "environment variable name \"\(key)\" is not valid; use letters, digits and _")
            }
            let word = key + "=" + (environment[key] ?? "")
            lines.append("Environment=" + (try UnitFileSyntax.quoteWord(word, expandsVariables: false, field: "Environment")))
        }
        if !wantedBy.isEmpty {
            lines += ["", "[Install]"]
            try appendUnits(wantedBy, "WantedBy", to: &lines)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func validateName() throws(SpinError) {
        _ = try UnitFileSyntax.unitName(name, field: "unit name")
        guard name.hasSuffix(".service") else {
            throw SpinError(.invalidArgument, "unit name \"\(name)\" must end in .service")
        }
    }

    private func appendUnits(_ units: [String], _ field: String, to lines: inout [String]) throws(SpinError) {
        guard !units.isEmpty else { return }
        var names: [String] = []
        for unit in units { names.append(try UnitFileSyntax.unitName(unit, field: field)) }
        lines.append(field + "=" + names.joined(separator: " "))
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
