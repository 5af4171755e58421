/// The event types appended since the last notification: what a `NOTIFY atrium_events` says, so
/// that a consumer of a few types looks only when one of them came. `*` (or an empty payload, from
/// a notifier that names nothing) means anything may have come.
struct AppendedTypes: Sendable {
    private var types: Set<String> = []
    private var anything = false

    /// PostgreSQL caps a payload at 8000 bytes; past this, the notification names nothing.
    static let maximumPayload = 4_000

    /// Adds an append's types; nil when they are not known (an append inside a caller's transaction).
    mutating func add(_ appended: [String]?) {
        guard let appended else {
            anything = true
            return
        }
        types.formUnion(appended)
    }

    var payload: String {
        let listed = types.sorted().joined(separator: ",")
        return anything || listed.utf8.count > Self.maximumPayload ? "*" : listed
    }

    /// Whether a notification with `payload` may concern a consumer of the `wanted` types (nil: of
    /// every type).
    static func concern(_ payload: String, wanted: Set<String>?) -> Bool {
        guard let wanted, !payload.isEmpty, payload != "*" else { return true }
        return payload.split(separator: ",").contains { wanted.contains(String($0)) }
    }
}
