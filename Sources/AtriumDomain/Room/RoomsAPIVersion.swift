/// The Rooms api-versions Atrium speaks; some rules depend on the version a client asked for.
public enum RoomsAPIVersion: String, CaseIterable, Comparable, Sendable {
    case v2023_06_14 = "2023-06-14"
    case v2024_04_15 = "2024-04-15"
    case v2025_03_13 = "2025-03-13"

    public static let latest = RoomsAPIVersion.v2025_03_13

    /// The Collaborator role arrived with 2025-03-13.
    public var supportsCollaborator: Bool { self >= .v2025_03_13 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
