/// A roster member's role in the room, which decides what they may do in its call.
public enum Role: String, CaseIterable, Codable, Sendable {
    case presenter = "Presenter"
    case collaborator = "Collaborator"
    case attendee = "Attendee"
    case consumer = "Consumer"

    /// The role a participant gets when the request names none.
    public static let `default` = Role.attendee

    /// Parses a role as the wire spells it (ACS is case-insensitive here).
    public init?(wireName: String) {
        guard let role = Role.allCases.first(where: { $0.rawValue.lowercased() == wireName.lowercased() }) else {
            return nil
        }
        self = role
    }
}
