import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Shows a running rebuild's progress to every node: the one row of `rebuild_progress`, written at
/// most once a second while it runs and once more when it ends, from which `/metrics` reports it
/// (a rebuild runs in its own process, beside the servers).
final class RebuildProgressBoard: Sendable {
    private let client: PostgresClient
    private let logger: Logger
    private let kind: String
    private let projections: String
    private let startedAt = Date()
    private let latest = Mutex<RebuildProgress?>(nil)

    init(client: PostgresClient, logger: Logger, kind: String, projections: [RebuildableProjection]) {
        self.client = client
        self.logger = logger
        self.kind = kind
        self.projections = projections.map(\.rawValue).joined(separator: ",")
    }

    func note(_ progress: RebuildProgress) {
        latest.withLock { $0 = progress }
    }

    /// Runs `body`, posting the progress it notes meanwhile; a failure to post never fails the rebuild.
    func posting<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let poster = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await post(finished: false)
            }
        }
        let outcome = await Result { try await body() }
        poster.cancel()
        await post(finished: true)
        return try outcome.get()
    }

    private func post(finished: Bool) async {
        guard let progress = latest.withLock({ $0 }) else { return }
        let finishedAt: Date? = finished ? Date() : nil
        let query: PostgresQuery = """
            INSERT INTO rebuild_progress (id, kind, projections, phase, events_done, events_total, started_at,
                                          updated_at, finished_at)
            VALUES (1, \(kind), \(projections), \(progress.phase.rawValue), \(Int64(progress.eventsDone)),
                    \(Int64(progress.eventsTotal)), \(startedAt), now(), \(finishedAt))
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, projections = EXCLUDED.projections,
                phase = EXCLUDED.phase, events_done = EXCLUDED.events_done, events_total = EXCLUDED.events_total,
                started_at = EXCLUDED.started_at, updated_at = now(), finished_at = EXCLUDED.finished_at
            """
        do {
            try await client.query(query, logger: logger)
        } catch {
            logger.debug("rebuild progress not posted", metadata: ["error": "\(error)"])
        }
    }
}
