/// The version of spin this SDK belongs to.
public enum SpinVersion {
    /// Semantic version string, shown by `spin --version`.
    public static let current = "0.1.0"
}
