/// The username and password a trunk's digest challenges (401/407) are answered with.
///
/// Neither its description nor its mirror (`dump`, a configuration printed whole) shows the password.
public struct SIPCredentials: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "SIPCredentials(username: \(username), password: <redacted>)" }

    public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "<redacted>"]) }
}
