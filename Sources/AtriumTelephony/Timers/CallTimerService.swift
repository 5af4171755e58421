import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Fires due call timers, on every node (rows are claimed with SKIP LOCKED): each becomes a
/// `CallCommand.progress` on its call, recorded with the timer's actor, correlation and cause,
/// then the row is deleted.
///
/// Sleeps until the next timer is due, woken early by NOTIFY `atrium_timers` when a policy
/// schedules one; a crash between the command and the delete fires it again, which the decider
/// makes harmless.
public struct CallTimerService: Service {
    let timers: CallTimers
    let calls: CommandHandler<CallDecider>
    let clock: @Sendable () -> Date
    let longestSleep: Duration

    public init(
        store: EventStore, clock: @escaping @Sendable () -> Date = Date.init, longestSleep: Duration = .seconds(1)
    ) {
        self.timers = CallTimers(client: store.client, logger: store.logger)
        self.calls = CommandHandler(store: store, maxAttempts: 32)
        self.clock = clock
        self.longestSleep = longestSleep
    }

    private var logger: Logger { timers.logger }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.runListening() }
            } catch  where Task.isCancelled || Task.isShuttingDownGracefully {
                return  // whatever the cancellation caused: the server is stopping
            } catch {
                logger.warning(
                    "call timers stopped; will try again", metadata: ["error": "\(String(reflecting: error))"])
            }
            // A stop must not wait out the pause: services stop one after another.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: longestSleep) }
        }
    }

    private func runListening() async throws {
        let doorbell = Doorbell()
        try await timers.client.withConnection { connection in
            try await connection.listen(on: CallTimers.channel) { notifications in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in notifications { await doorbell.ring() }
                        throw CancellationError()
                    }
                    group.addTask { try await self.fireWhenDue(doorbell: doorbell) }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private func fireWhenDue(doorbell: Doorbell) async throws {
        while !Task.isCancelled {
            let claimed = try await timers.claimDue(limit: 32)
            if claimed.isEmpty {
                let wait = try await timers.untilNextDue().map { min($0, longestSleep) } ?? longestSleep
                if wait > .zero { await doorbell.wait(timeout: wait) }
                continue
            }
            var fired: [Int64] = []
            for entry in claimed {
                do {
                    try await fire(entry.timer)
                    fired.append(entry.id)
                } catch {
                    logger.warning(
                        "call timer failed; it fires again when its lease ends",
                        metadata: ["timer": "\(entry.timer.key)", "error": "\(String(reflecting: error))"])
                }
            }
            try await timers.delete(fired)
        }
    }

    /// Records the timer's report on its call.
    func fire(_ timer: CallTimer) async throws {
        try await calls.record(
            timer.progress, on: timer.callId, actor: timer.actor, correlationId: timer.correlationId,
            causationId: timer.causationId, at: Timestamp.normalized(clock()))
    }
}
