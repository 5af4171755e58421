import AtriumStore
import Foundation
import Logging
import PostgresNIO

extension DatabaseOptions {
    /// Runs `body` with a client of the configured database, beside a running server or not (see
    /// `openBesideServer`); the client and any cluster started here stop afterwards.
    func withClient<T: Sendable>(
        maximumConnections: Int, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let (configuration, embedded) = try await openBesideServer(logger: logger)
        defer { embedded?.stop() }
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration, maximumConnections: maximumConnections),
            backgroundLogger: logger.quieter)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

extension Logger {
    /// The command-line tools' logger: warnings and errors only unless LOG_LEVEL says otherwise, so
    /// that their own output stays readable.
    static func atrium(quiet: Bool) -> Logger {
        var logger = Logger.atrium()
        if quiet && ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { logger.logLevel = .warning }
        return logger
    }

    /// For a short-lived command's connection pool: its warnings (such as a query leased before the
    /// pool's run loop has started, which then simply waits) are noise on a terminal.
    var quieter: Logger {
        var logger = self
        logger.logLevel = max(logLevel, .error)
        return logger
    }
}
