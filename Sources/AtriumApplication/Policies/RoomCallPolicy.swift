import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// The room's changes reaching its live call: deleted → the call ends and every leg is
/// disconnected; removed from the roster → dropped from the call; role changed → the new role
/// in the call at once.
///
/// A consumer of the log: its commands run after the events that caused them and may be issued
/// again after a crash (the checkpoint commits after them). Each is idempotent in the Call decider
/// (ending an ended call, dropping someone already gone, giving the role they have), so a repeat
/// records nothing.
public struct RoomCallPolicy: LogConsumerHandler {
    public static let consumerName = "policy.room-calls"
    public static let actor = "policy:room-calls"

    let roomCalls: RoomCalls
    let clock: @Sendable () -> Date

    public init(roomCalls: RoomCalls, clock: @escaping @Sendable () -> Date = Date.init) {
        self.roomCalls = roomCalls
        self.clock = clock
    }

    public var selection: EventSelection { .types(Self.roomEventTypes) }

    /// The room events that reach a live call.
    static let roomEventTypes = ["RoomDeleted", "RoomParticipantRemoved", "RoomParticipantRoleChanged"]

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
        for event in events {
            guard let roomText = event.aggregateId(in: .room),
                let command = try Self.command(for: event, now: Timestamp.normalized(clock())),
                let roomId = try? RoomId(validating: roomText),
                let callId = try await roomCalls.loadRoom(roomId).currentCallId
            else { continue }
            let context = CommandContext(
                actor: Self.actor, correlationId: event.metadata.correlationId, causationId: event.eventId,
                now: Timestamp.normalized(clock()))
            try await roomCalls.apply(command, toCall: callId, context: context)
        }
    }

    static func command(for event: RecordedEvent, now: Date) throws -> CallCommand? {
        guard roomEventTypes.contains(event.eventType) else { return nil }  // decode only what it acts on
        switch try event.decode(as: RoomEvent.self) {
        case .deleted: return .end(.roomDeleted, now: now)
        case .participantRemoved(let removed): return .drop(rawId: removed.rawId, reason: .removedFromRoster, now: now)
        case .participantRoleChanged(let changed): return .applyRole(rawId: changed.rawId, role: changed.role, now: now)
        default: return nil
        }
    }
}
