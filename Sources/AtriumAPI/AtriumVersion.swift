/// Atrium's version: the one definition, shown by `atrium --version`, in `/readyz` and in every
/// response's `Server` header (`Atrium/<version>`).
public enum AtriumVersion {
    public static let current = "0.1.0"
    /// The `Server` header's value.
    public static var serverName: String { "Atrium/\(current)" }
}
