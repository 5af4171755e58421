/// What an access token lets its holder do: the scopes ACS issues for communication users.
public enum TokenScope: String, CaseIterable, Hashable, Sendable, Codable {
    case chat
    case voip
    case chatJoin = "chat.join"
    case chatJoinLimited = "chat.join.limited"
    case voipJoin = "voip.join"
}
