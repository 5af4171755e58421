import ArgumentParser
import AtriumDelivery
import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// `atrium outbox`: what waits to be delivered, what died, and redriving dead letters.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List pending or dead deliveries, and redrive dead letters.",
        subcommands: [List.self, Redrive.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List pending deliveries (or dead letters with --dead).")

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Dead letters instead of pending deliveries.") var dead = false
        @Option(help: "Only this subscription's.") var subscription: String?
        @Option(help: "At most this many rows.") var limit = 100
        @Flag(help: "One JSON object per line.") var json = false

        func run() async throws {
            let entries = try await withOutbox(database) { outbox in
                try await outbox.list(dead: dead, subscription: subscription, limit: limit)
            }
            if json {
                for entry in entries { print(String(decoding: try EventJSON.encode(entry), as: UTF8.self)) }
                return
            }
            if entries.isEmpty { print(dead ? "No dead letters." : "Nothing pending.") }
            for entry in entries {
                var line =
                    "#\(entry.id)  \(entry.subscription)  \(entry.eventType)  \(entry.subject)  attempts \(entry.attempts)"
                if let outcome = entry.lastOutcome { line += "  last \(outcome)" }
                if let reason = entry.deadReason, let at = entry.deadAt {
                    line += "  dead \(Timestamp.format(at)) (\(reason))"
                } else {
                    line += "  due \(Timestamp.format(entry.dueAt))"
                }
                print(line)
            }
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Deliver dead letters again: one, a subscription's, or all; optionally only those dead since a time.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "One dead letter, by the id `outbox list --dead` shows.") var id: Int64?
        @Option(help: "Every dead letter of this subscription.") var subscription: String?
        @Flag(help: "Every dead letter.") var all = false
        @Option(help: "Only those dead at or after this ISO 8601 time.") var since: String?

        func validate() throws {
            guard [id != nil, subscription != nil, all].filter({ $0 }).count == 1 else {
                throw ValidationError("Name exactly one of --id, --subscription or --all.")
            }
            if let since, Timestamp.parse(since) == nil {
                throw ValidationError("--since must be an ISO 8601 time, e.g. 2026-11-25T10:00:00Z.")
            }
        }

        func run() async throws {
            let scope: Outbox.RedriveScope =
                if let id { .one(id: id) } else if let subscription { .subscription(subscription) } else { .all }
            let count = try await withOutbox(database) { outbox in
                try await outbox.redrive(scope, deadSince: since.flatMap(Timestamp.parse))
            }
            print("Redriven: \(count)")
        }
    }
}

/// Runs `body` with the outbox of the configured database (beside a running server or not).
private func withOutbox<T: Sendable>(
    _ database: DatabaseOptions, _ body: @escaping @Sendable (Outbox) async throws -> T
) async throws -> T {
    let logger = Logger.atrium(quiet: true)
    return try await database.withClient(maximumConnections: 2, logger: logger) { client in
        try await body(Outbox(client: client, logger: logger))
    }
}
