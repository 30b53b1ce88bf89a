import Foundation

/// A text table with left-aligned columns separated by two spaces.
struct Table {
    /// Column titles, printed upper case.
    let headers: [String]
    /// The cells, one array per row.
    var rows: [[String]] = []

    /// The table as lines; a table with no rows still prints its header.
    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let width = index < widths.count ? widths[index] : cell.count
                parts.append(isLast ? cell : cell.padding(toLength: width, withPad: " ", startingAt: 0))
            }
            return parts.joined(separator: "  ")
        }
        return ([line(headers.map { $0.uppercased() })] + rows.map(line)).joined(separator: "\n")
    }
}
