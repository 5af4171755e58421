import AtriumDomain

/// An inline projection that can be rebuilt from the log: the tables its SQL function owns (and the
/// only ones it writes) and the streams whose events it reads.
///
/// The functions are the ones the append runs (`project_inline` dispatches by stream category), so
/// a rebuild gives what the appends would have given. Every function here writes only rows of the
/// event's own stream, which is what lets a rebuild apply different streams on parallel workers.
public enum RebuildableProjection: String, CaseIterable, Sendable {
    case rooms
    case identities
    case calls
    case subscriptions

    /// The live tables, referenced tables before those that reference them.
    public var tables: [String] {
        switch self {
        case .rooms: ["rooms", "room_participants"]
        case .identities: ["identities"]
        case .calls: ["calls", "call_participants", "call_connections", "call_recordings"]
        case .subscriptions: ["event_subscriptions"]
        }
    }

    /// The category of the streams it projects (`stream_category`, by which `project_inline`
    /// dispatches).
    public var category: StreamName.Category {
        switch self {
        case .rooms: .room
        case .identities: .identity
        case .calls: .call
        case .subscriptions: .subscription
        }
    }
}
