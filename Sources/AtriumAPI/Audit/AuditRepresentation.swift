import AtriumDomain
import AtriumProjections
import Foundation

/// The audit's JSON, the same over HTTP and from `atrium audit --json`: timeline entries, and
/// states in the shapes the other APIs give their resources.
public enum AuditRepresentation {
    /// One event: when, who, what, why, and its data in the current schema.
    public static func entry(_ entry: TimelineEntry) -> JSONValue {
        let cause: JSONValue =
            if let cause = entry.cause {
                .object([
                    ("streamId", .string(cause.streamId)), ("version", number(cause.version)),
                    ("eventType", .string(cause.eventType)),
                ])
            } else { .null }
        return .object([
            ("streamId", .string(entry.streamId)),
            ("version", number(entry.version)),
            ("globalPosition", number(entry.globalPosition)),
            ("eventId", uuid(entry.eventId)),
            ("eventType", .string(entry.eventType)),
            ("schemaVersion", number(Int64(entry.schemaVersion))),
            ("recordedAt", .string(Timestamp.format(entry.recordedAt))),
            ("actor", .string(entry.metadata.actor)),
            ("description", .string(entry.description)),
            ("command", .string(entry.metadata.command)),
            ("correlationId", uuid(entry.metadata.correlationId)),
            ("causationId", entry.metadata.causationId.map(uuid) ?? .null),
            ("cause", cause),
            ("requestId", entry.metadata.requestId.map(JSONValue.string) ?? .null),
            ("data", entry.data),
        ])
    }

    /// The aggregate as of the moment: where in the stream, then the resource as its API shows it
    /// (a room as the Rooms API's room and participants, a call as the client calling API's).
    public static func state(_ state: AuditState) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("streamId", .string(state.stream.streamId)),
            ("version", number(state.version)),
            ("recordedAt", state.recordedAt.map { .string(Timestamp.format($0)) } ?? .null),
        ]
        switch state.aggregate {
        case .room(let room): members += self.room(room)
        case .call(let call): members += self.call(call)
        case .identity(let identity): members += self.identity(identity)
        case .subscription(let subscription): members += self.subscription(subscription)
        }
        return .object(members)
    }

    static func page(_ entries: [TimelineEntry], nextLink: JSONValue?) -> JSONValue {
        RoomRepresentation.page(entries.map(entry), nextLink: nextLink)
    }

    // MARK: Aggregates

    private static func room(_ room: Room) -> [(key: String, value: JSONValue)] {
        let lifecycle: String =
            switch room.lifecycle {
            case .notCreated: "NotCreated"
            case .active: "Active"
            case .deleted: "Deleted"
            }
        guard room.lifecycle != .notCreated else { return [("lifecycle", .string(lifecycle))] }
        return [
            ("lifecycle", .string(lifecycle)),
            ("room", RoomRepresentation.model(room)),
            (
                "participants",
                .array(
                    room.roster.entries.map {
                        ["rawId": .string($0.participant.rawId), "role": .string($0.role.rawValue)]
                    })
            ),
            ("currentCallId", room.currentCallId.map(JSONValue.string) ?? .null),
        ]
    }

    private static func call(_ call: Call) -> [(key: String, value: JSONValue)] {
        let lifecycle: String =
            switch call.lifecycle {
            case .notStarted: "NotStarted"
            case .active: "Active"
            case .ended: "Ended"
            }
        guard call.lifecycle != .notStarted else { return [("lifecycle", .string(lifecycle))] }
        return [
            ("lifecycle", .string(lifecycle)),
            ("call", CallRepresentation.model(CallRepresentation.row(call))),
            ("invited", .array(call.invited.map(JSONValue.string))),
        ]
    }

    private static func identity(_ identity: Identity) -> [(key: String, value: JSONValue)] {
        let lifecycle: String =
            switch identity.lifecycle {
            case .notCreated: "NotCreated"
            case .active: "Active"
            case .deleted: "Deleted"
            }
        guard identity.lifecycle != .notCreated else { return [("lifecycle", .string(lifecycle))] }
        let token: JSONValue =
            if let grant = identity.lastIssuedToken {
                .object([
                    ("tokenId", uuid(grant.tokenId)),
                    ("scopes", .array(grant.scopes.map { .string($0.rawValue) })),
                    ("issuedAt", .string(Timestamp.format(grant.issuedAt))),
                    ("expiresOn", .string(Timestamp.format(grant.expiresOn))),
                ])
            } else { .null }
        return [
            ("lifecycle", .string(lifecycle)),
            ("identity", ["id": .string(identity.id?.rawId ?? "")]),
            ("createdAt", identity.createdAt.map { .string(Timestamp.format($0)) } ?? .null),
            ("tokensRevokedAt", identity.tokensRevokedAt.map { .string(Timestamp.format($0)) } ?? .null),
            ("lastIssuedToken", token),
        ]
    }

    private static func subscription(_ state: SubscriptionState) -> [(key: String, value: JSONValue)] {
        switch state.lifecycle {
        case .notCreated: [("lifecycle", "NotCreated")]
        // A deletion forgets the definition: the name may be used again for a new subscription.
        case .deleted: [("lifecycle", "Deleted")]
        case .active: [("lifecycle", "Active"), ("subscription", SubscriptionRepresentation.model(state))]
        }
    }

    // MARK: Values

    private static func number(_ value: Int64) -> JSONValue { .number(Double(value)) }

    /// Ids in lower case, as the CLI and the published events print them.
    private static func uuid(_ id: UUID) -> JSONValue { .string(id.uuidString.lowercased()) }
}
