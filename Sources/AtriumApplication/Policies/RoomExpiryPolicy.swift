import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import Logging
import ServiceLifecycle

/// validUntil reached → the room's call ends.
///
/// A deadline is not an event, so this one looks instead of listening: every `interval` it asks
/// the read models for active calls whose room's window has closed, and ends each (idempotently:
/// a call already ended records nothing). Any node may run it; two running it at once at worst
/// race to the same no-op.
public struct RoomExpiryPolicy: Service {
    public static let actor = "policy:room-expiry"

    let roomCalls: RoomCalls
    let calls: CallReadModel
    let logger: Logger
    let interval: Duration
    let clock: @Sendable () -> Date

    public init(
        roomCalls: RoomCalls, calls: CallReadModel, logger: Logger, interval: Duration = .seconds(1),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.roomCalls = roomCalls
        self.calls = calls
        self.logger = logger
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sweep()
                } catch {
                    logger.warning("room expiry sweep failed; trying again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Ends every active call of a room whose validUntil has passed. Returns how many it ended.
    @discardableResult
    public func sweep() async throws -> Int {
        let now = Timestamp.normalized(clock())
        var ended = 0
        for callId in try await calls.activeCallsOfExpiredRooms(at: now) {
            let context = CommandContext(actor: Self.actor, now: now)
            if try await !roomCalls.apply(.end(.roomExpired, now: now), toCall: callId, context: context).isEmpty {
                ended += 1
            }
        }
        return ended
    }
}
