/// A stream of the event log, named `{category}-{id}`: `room-{roomId}`, `call-{callId}`,
/// `identity-{rawId}`, `subscription-{name}`.
///
/// The one place stream ids are built and read: the category says which aggregate (and which
/// projection) a stream belongs to, the id which one of them.
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of aggregate the log holds.
    public enum Category: String, CaseIterable, Sendable {
        case room
        case call
        case identity
        case subscription

        /// How every stream id of the category begins.
        public var prefix: String { rawValue + Self.separator }

        static let separator = "-"
    }

    public let category: Category
    /// The aggregate's id: the stream id without its category.
    public let id: String

    public init(_ category: Category, id: String) {
        self.category = category
        self.id = id
    }

    /// The stream named by a log stream id; nil for a category Atrium does not know, or no id.
    public init?(streamId: String) {
        guard let dash = streamId.firstIndex(of: Character(Category.separator)),
            let category = Category(rawValue: String(streamId[..<dash]))
        else { return nil }
        let id = String(streamId[streamId.index(after: dash)...])
        guard !id.isEmpty else { return nil }
        self.init(category, id: id)
    }

    /// The stream id as the log stores it.
    public var streamId: String { category.prefix + id }

    public var description: String { streamId }

    public static func room(_ id: RoomId) -> StreamName { StreamName(.room, id: id.value) }
    public static func call(_ callId: String) -> StreamName { StreamName(.call, id: callId) }
    public static func identity(_ id: CommunicationUserId) -> StreamName { StreamName(.identity, id: id.rawId) }
    public static func subscription(_ name: SubscriptionName) -> StreamName {
        StreamName(.subscription, id: name.value)
    }
}
