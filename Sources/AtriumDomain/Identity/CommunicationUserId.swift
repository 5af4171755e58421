import Foundation

/// The id of an identity Atrium issued: `8:acs:<resourceId>_<unique>`, the form ACS gives its users.
public struct CommunicationUserId: Hashable, Sendable, CustomStringConvertible {
    public static let prefix = "8:acs:"

    public let rawId: String

    public var description: String { rawId }

    /// The aggregate's stream in the event log.
    public var streamId: String { StreamName.identity(self).streamId }

    /// The id without its `8:` kind prefix (`acs:<resourceId>_<unique>`): what ACS puts in a
    /// token's `skypeid` claim.
    public var skypeId: String { String(rawId.dropFirst(2)) }

    /// Accepts any ACS communication user id; whether it names an identity of this server is the
    /// decider's (or the read model's) question, answered with 404.
    public init(validating rawId: String) throws(DomainError) {
        guard rawId.hasPrefix(Self.prefix), CommunicationIdentifier(rawId: rawId)?.kind == .communicationUser else {
            throw DomainError(
                .badRequest, "Invalid format for communication identifier.", target: "id",
                details: [
                    .init(code: "BadArgument", message: "Invalid format for communication identifier.", target: "id")
                ])
        }
        self.rawId = rawId
    }

    /// The id from a token's `skypeid` claim (`acs:<resourceId>_<unique>`).
    public init(skypeId: String) throws(DomainError) {
        try self.init(validating: "8:" + skypeId)
    }

    /// A fresh id of this server's resource; the caller supplies the unique part (a UUID in production).
    public static func new(resourceId: UUID, unique: UUID) -> CommunicationUserId {
        CommunicationUserId(
            unchecked: "\(prefix)\(resourceId.uuidString.lowercased())_\(unique.uuidString.lowercased())")
    }

    private init(unchecked rawId: String) { self.rawId = rawId }
}
