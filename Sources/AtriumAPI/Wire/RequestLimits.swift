/// Bounds on what a client may send.
public enum RequestLimits {
    /// Larger bodies are refused with 413 before they are read further.
    public static let maxBodyBytes = 1 << 20
    /// How far `x-ms-date` may be from the server's clock (either way).
    public static let maxClockSkewSeconds: Double = 15 * 60
}
