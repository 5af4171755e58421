/// The username and password a trunk's digest challenges (401/407) are answered with.
///
/// Its description never shows the password, so that logging a configuration cannot leak it.
public struct SIPCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "SIPCredentials(username: \(username), password: <redacted>)" }
}
