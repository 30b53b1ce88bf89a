/// The row lock a registry read takes for the rest of its transaction; each is a fixed SQL
/// clause, never built from input.
enum RowLock: String {
    /// No lock: a plain read.
    case none = ""
    /// `FOR UPDATE`: the row is about to change or go.
    case update = "FOR UPDATE"
    /// `FOR NO KEY UPDATE`: taking turns on the row (a network handing out addresses) without
    /// blocking rows that refer to it.
    case noKeyUpdate = "FOR NO KEY UPDATE"
}
