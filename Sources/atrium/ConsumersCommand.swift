import ArgumentParser
import AtriumDomain
import AtriumStore
import Foundation
import Logging

/// `atrium consumers`: where each consumer of the log stands, and moving one to replay (or skip).
struct ConsumersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumers",
        abstract: "List the log's consumers (position, lag) and reset one to a position to replay from it.",
        subcommands: [List.self, Reset.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each consumer's name, position (<transaction>/<position>) and lag (events still to read).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let logger = Logger.atrium(quiet: true)
            let consumers = try await database.withClient(maximumConnections: 2, logger: logger) { client in
                try await ConsumerPositions(client: client, logger: logger).all()
            }
            if consumers.isEmpty { print("No consumers have run yet.") }
            let width = max(consumers.map(\.name.count).max() ?? 0, 8)
            if !consumers.isEmpty {
                print(
                    "consumer".padding(toLength: width, withPad: " ", startingAt: 0)
                        + "  position              lag  updated")
            }
            for consumer in consumers {
                let position = consumer.position.description.padding(toLength: 16, withPad: " ", startingAt: 0)
                let lag = String(consumer.lag)
                print(
                    consumer.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + position
                        + String(repeating: " ", count: max(9 - lag.count, 1)) + lag + "  "
                        + Timestamp.format(consumer.updatedAt))
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a consumer's checkpoint: it deals with the events after that position again.",
            discussion: """
                A running node notices at its next batch (which it rolls back) and continues from the new \
                position; nothing else needs restarting. Replaying repeats the consumer's effects, so mind \
                what they are. The room-call policy (policy.room-calls) applies each room event to the room's \
                call as it is now: repeats change nothing, but replaying old history can drop from today's \
                call someone removed long ago and added back since, so move it back only a little. Resetting \
                the fan-out \
                (publishing.fan-out) enqueues deliveries again — deduplicated per (subscription, event id) \
                only while the earlier row is still in the outbox: events already delivered (rows deleted) \
                are delivered again, with the same event ids, so receivers that deduplicate by id see no \
                difference. A subscription never receives events from before its creation this way.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The consumer, as `atrium consumers list` names it.") var name: String
        @Flag(help: "Back to the beginning of the log.") var toStart = false
        @Option(help: "Continue after this position, <transaction>/<position> as `list` prints it.")
        var to: LogPosition?

        func validate() throws {
            guard toStart != (to != nil) else { throw ValidationError("Give exactly one of --to-start or --to.") }
        }

        func run() async throws {
            let logger = Logger.atrium(quiet: true)
            let (name, position) = (name, to ?? .start)
            let moved = try await database.withClient(maximumConnections: 2, logger: logger) { client in
                try await ConsumerPositions(client: client, logger: logger).reset(name, to: position)
            }
            guard moved else {
                FileHandle.standardError.write(
                    Data("No consumer is named \(name); `atrium consumers list` shows them.\n".utf8))
                throw ExitCode(1)
            }
            print("\(name) continues after \(position).")
        }
    }
}
