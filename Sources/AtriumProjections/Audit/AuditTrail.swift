import AtriumDomain
import AtriumStore
import Foundation
import PostgresNIO

/// A stream's history read back for an audit: its events as a timeline, and its aggregate's state
/// as of any moment, both from the event log alone (never from a read model).
public struct AuditTrail: Sendable {
    public let store: EventStore

    public init(store: EventStore) {
        self.store = store
    }

    /// The stream's events after `version`, in order: all of them, or a page of at most `limit`
    /// with the cursor of the next page.
    public func timeline(of stream: StreamName, after version: Int64 = 0, limit: Int? = nil) async throws
        -> Page<TimelineEntry>
    {
        // One event more than asked tells whether another page follows.
        var events = try await store.readStream(stream.streamId, after: version, limit: limit.map { $0 + 1 })
        var nextCursor: Int64?
        if let limit, events.count > limit {
            events.removeLast(events.count - limit)
            nextCursor = events.last?.streamVersion
        }
        let causes = try await references(to: events.compactMap(\.metadata.causationId))
        let entries = events.map { event in
            let (description, data) = Self.read(event, in: stream)
            return TimelineEntry(
                streamId: event.streamId, version: event.streamVersion, globalPosition: event.position.globalPosition,
                eventId: event.eventId, eventType: event.eventType, schemaVersion: event.schemaVersion,
                recordedAt: event.recordedAt, metadata: event.metadata, description: description, data: data,
                cause: event.metadata.causationId.flatMap { causes[$0] })
        }
        return Page(items: entries, nextCursor: nextCursor)
    }

    /// Whether the log holds any event of the stream.
    public func exists(_ stream: StreamName) async throws -> Bool {
        try await !store.readStream(stream.streamId, limit: 1).isEmpty
    }

    /// The aggregate's state at `moment`, or nil when the stream has no events at all.
    ///
    /// A moment in time folds the stream in order up to the first event recorded after it. Events are
    /// recorded at the instant their command was decided, and a command that lost a race is decided
    /// again with its first instant, so a stream's times can step back; stopping at the first later
    /// one keeps the state one the stream really passed through, and never includes an event that
    /// could not yet have been committed at that moment.
    public func state(of stream: StreamName, at moment: AuditMoment) async throws -> AuditState? {
        let history = try await store.readStream(stream.streamId)
        guard !history.isEmpty else { return nil }
        let folded: ArraySlice<RecordedEvent>
        switch moment {
        case .latest:
            folded = history[...]
        case .time(let instant):
            // Compared in whole microseconds, the log's precision: an instant read from PostgreSQL and
            // the same instant parsed from text can differ in the last bits of a Double.
            let limit = Timestamp.normalized(instant)
            folded = history.prefix { Timestamp.normalized($0.recordedAt) <= limit }
        case .version(let version):
            // A stream's versions run 1, 2, 3… with no gaps: version n is the first n events.
            guard (0...Int64(history.count)).contains(version) else {
                throw DomainError.badArgument(
                    "\(stream) has \(history.count) events: the version must be between 0 and \(history.count).",
                    target: "version")
            }
            folded = history.prefix(Int(version))
        }
        return try Self.fold(Array(folded), stream)
    }

    // MARK: Reading

    /// The event's description and data, or, when it cannot be decoded, a line that says so and
    /// the data as stored: a timeline shows everything the log holds.
    static func read(_ event: RecordedEvent, in stream: StreamName) -> (String, JSONValue) {
        do {
            let audited = try AuditedEvent(event, of: stream.category)
            let data = try JSONParser.parse(Array(try audited.encodedData()))
            return (audited.description(in: stream), AuditRedaction.redact(data))
        } catch {
            let stored = (try? JSONParser.parse(Array(event.data))) ?? .null
            return (
                "unreadable \(event.eventType) (schema version \(event.schemaVersion)): \(error)",
                AuditRedaction.redact(stored)
            )
        }
    }

    static func fold(_ events: [RecordedEvent], _ stream: StreamName) throws -> AuditState {
        let aggregate: AuditState.Aggregate =
            switch stream.category {
            case .room: .room(try fold(RoomDecider.self, events))
            case .call: .call(try fold(CallDecider.self, events))
            case .identity: .identity(try fold(IdentityDecider.self, events))
            case .subscription: .subscription(try fold(SubscriptionDecider.self, events))
            }
        return AuditState(
            stream: stream, version: events.last?.streamVersion ?? 0, recordedAt: events.last?.recordedAt,
            aggregate: aggregate)
    }

    private static func fold<D: Decider>(_ decider: D.Type, _ events: [RecordedEvent]) throws -> D.State
    where D.Event: EventCodable {
        D.replay(try events.map { try $0.decode(as: D.Event.self) })
    }

    /// Where the causing events are, when they are events (a cause may be in another stream).
    private func references(to ids: [UUID]) async throws -> [UUID: EventReference] {
        guard !ids.isEmpty else { return [:] }
        let query: PostgresQuery = """
            SELECT event_id, stream_id, stream_version, event_type FROM events WHERE event_id = ANY(\(Array(Set(ids))))
            """
        var references: [UUID: EventReference] = [:]
        for try await (id, stream, version, type) in try await store.client.query(query, logger: store.logger)
            .decode((UUID, String, Int64, String).self)
        {
            references[id] = EventReference(eventId: id, streamId: stream, version: version, eventType: type)
        }
        return references
    }
}
