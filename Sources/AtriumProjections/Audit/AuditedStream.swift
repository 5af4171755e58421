/// A stream whose history the audit can tell: which aggregate it holds, and its id in the log.
///
/// Streams are named `{kind}-{id}`: `room-{roomId}`, `call-{callId}`, `identity-{rawId}`,
/// `subscription-{name}`.
public struct AuditedStream: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, CaseIterable, Sendable {
        case room
        case call
        case identity
        case subscription
    }

    public let kind: Kind
    /// The aggregate's id: the stream id without its kind.
    public let id: String

    public var streamId: String { "\(kind.rawValue)-\(id)" }

    public var description: String { streamId }

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// The stream a log stream id names; nil for kinds the audit does not know.
    public init?(streamId: String) {
        guard let dash = streamId.firstIndex(of: "-"),
            let kind = Kind(rawValue: String(streamId[..<dash]))
        else { return nil }
        let id = String(streamId[streamId.index(after: dash)...])
        guard !id.isEmpty else { return nil }
        self.init(kind: kind, id: id)
    }
}
