import ArgumentParser
import AtriumAPI
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// `atrium audit`: a stream's history as a timeline, or its aggregate's state as of a moment,
/// read from the event log alone.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The history of a room, call, identity or event subscription, or its state as of a moment.",
        discussion: """
            Read from the event log alone, never from the read models. By default, the timeline: \
            every event with its time, stream version, actor, what happened, what caused it, its \
            correlation id, command and request id. With --at or --version, the state the events up \
            to that moment fold into, as JSON (a room as the Rooms API shows it).

              atrium audit room 99199690362660524
              atrium audit room 99199690362660524 --at 2026-11-25T10:00:00Z
              atrium audit call 0b3c3d0e-5a41-4c55-9d8e-0c4b2b7a8f10 --json
              atrium audit identity "8:acs:<resource>_<user>" --version 2

            Works beside a running server (--data-dir or DATABASE_URL as for serve).
            """,
        subcommands: [RoomAudit.self, CallAudit.self, IdentityAudit.self, SubscriptionAudit.self]
    )

    struct RoomAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "room", abstract: "A room's history (stream room-{roomId}).")

        @Argument(help: "The room's id.") var roomId: String
        @OptionGroup var options: AuditOptions

        func validate() throws {
            do { _ = try RoomId(validating: roomId) } catch { throw ValidationError(error.message) }
        }

        func run() async throws { try await options.run(StreamName(.room, id: roomId)) }
    }

    struct CallAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "call",
            abstract: "A room call's history (stream call-{callId}); the room's timeline names its calls.")

        @Argument(help: "The call's id.") var callId: String
        @OptionGroup var options: AuditOptions

        func run() async throws { try await options.run(StreamName(.call, id: callId.lowercased())) }
    }

    struct IdentityAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "identity", abstract: "An identity's history (stream identity-{rawId}).")

        @Argument(help: "The identity's raw id, 8:acs:….") var rawId: String
        @OptionGroup var options: AuditOptions

        func validate() throws {
            do { _ = try CommunicationUserId(validating: rawId) } catch { throw ValidationError(error.message) }
        }

        func run() async throws { try await options.run(StreamName(.identity, id: rawId)) }
    }

    struct SubscriptionAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "subscription",
            abstract: "An event subscription's history (stream subscription-{name}); secrets are redacted.")

        @Argument(help: "The subscription's name.") var name: String
        @OptionGroup var options: AuditOptions

        func validate() throws {
            do { _ = try SubscriptionName(validating: name) } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            try await options.run(StreamName(.subscription, id: try SubscriptionName(validating: name).value))
        }
    }
}

/// What every `atrium audit` subcommand takes: the database, the output form and the moment.
struct AuditOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "JSON lines: one object per event (with --at or --version, the state on one line).")
    var json = false
    @Option(help: "Print the state as of this ISO 8601 time: the events recorded at or before it.")
    var at: String?
    @Option(help: "Print the state after this many events (0: before the first).")
    var version: Int64?

    func validate() throws {
        if at != nil, version != nil { throw ValidationError("Give either --at or --version, not both.") }
        if let at, Timestamp.parse(at) == nil {
            throw ValidationError("--at must be an ISO 8601 time with its offset, e.g. 2026-11-25T10:00:00Z.")
        }
        if let version, version < 0 { throw ValidationError("--version must be at least 0.") }
    }

    var moment: AuditMoment? {
        if let at, let instant = Timestamp.parse(at) { return .time(instant) }
        return version.map(AuditMoment.version)
    }

    func run(_ stream: StreamName) async throws {
        do {
            let printed = try await withAuditTrail { trail in
                if let moment {
                    try await printState(of: stream, at: moment, trail)
                } else {
                    try await printTimeline(of: stream, trail)
                }
            }
            guard printed else {
                FileHandle.standardError.write(Data("The log holds no events of stream \(stream).\n".utf8))
                throw ExitCode.failure
            }
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("\(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// False when the stream has no events.
    private func printState(of stream: StreamName, at moment: AuditMoment, _ trail: AuditTrail) async throws
        -> Bool
    {
        guard let state = try await trail.state(of: stream, at: moment) else { return false }
        let body = AuditRepresentation.state(state)
        print(json ? body.serialized : PrettyJSON.format(body))
        return true
    }

    /// Reads the stream a page at a time; JSON lines are printed as they come, a table once its
    /// columns are known. False when the stream has no events.
    private func printTimeline(of stream: StreamName, _ trail: AuditTrail) async throws -> Bool {
        var entries: [TimelineEntry] = []
        var after: Int64 = 0
        var any = false
        while true {
            let page = try await trail.timeline(of: stream, after: after, limit: 1000)
            any = any || !page.items.isEmpty
            if json {
                for entry in page.items { print(AuditRepresentation.entry(entry).serialized) }
            } else {
                entries += page.items
            }
            guard let next = page.nextCursor else { break }
            after = next
        }
        if !json, any { print(TimelineTable(stream: stream, entries: entries).text, terminator: "") }
        return any
    }

    /// Runs `body` with the audit trail of the configured database (beside a running server or not).
    private func withAuditTrail<T: Sendable>(_ body: @escaping @Sendable (AuditTrail) async throws -> T)
        async throws -> T
    {
        // Errors are thrown and printed; the client's warnings would only clutter a report.
        var logger = Logger.atrium()
        logger.logLevel = .error
        return try await database.withClient(maximumConnections: 2, logger: logger) { [logger] client in
            try await body(AuditTrail(store: EventStore(client: client, logger: logger)))
        }
    }
}
