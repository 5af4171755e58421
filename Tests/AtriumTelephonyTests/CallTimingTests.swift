import AtriumApplication
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import AtriumTelephony

/// The telephony and media policies against real PostgreSQL: what they schedule, that a batch
/// handled again (a crash before the checkpoint) schedules nothing twice, and that timers fire
/// into the call once, however often they fire.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct CallTimingTests {
    static let connectionId = "connection-1"

    /// A room with PSTN dial-out, as the call's commands see it.
    static var room: Room {
        var room = Room()
        room.lifecycle = .active
        room.id = try? RoomId(validating: "12345678901234567")
        room.validity = RoomValidity(validFrom: .distantPast, validUntil: .distantFuture)
        room.pstnDialOutEnabled = true
        return room
    }

    /// A call the application is connected to.
    static func connectedCall(_ store: EventStore) async throws -> String {
        let callId = UUID().uuidString.lowercased()
        let connect = ConnectCall(
            connectionId: connectionId, callId: callId, callbackUri: "http://127.0.0.1:1/callbacks",
            operationContext: nil, application: "8:acs:resource_app", room: room, now: Date())
        try await run(.connect(connect), on: callId, store)
        return callId
    }

    static func automate(_ action: AutomationAction, on callId: String, _ store: EventStore) async throws {
        let context = AutomationContext(connectionId: connectionId, room: room, now: Timestamp.normalized(Date()))
        try await run(.automate(action, context), on: callId, store)
    }

    static func run(_ command: CallCommand, on callId: String, _ store: EventStore) async throws {
        _ = try await CommandHandler<CallDecider>(store: store).execute(
            command, named: command.name, on: StreamName.call(callId).streamId,
            context: CommandContext(actor: "test", now: Timestamp.normalized(Date()))
        ) { _ in CommandAnswer(code: 200) }
    }

    static func handle(_ handler: some LogConsumerHandler, _ events: [RecordedEvent], _ client: PostgresClient)
        async throws
    {
        try await client.withTransaction(logger: TestDatabase.logger) { transaction in
            try await handler.handle(events, transaction: transaction, logger: TestDatabase.logger)
        }
    }

    static func timers(_ client: PostgresClient) async throws -> [(progress: String, dueIn: Double)] {
        let rows = try await client.query(
            """
            SELECT t.progress::text, EXTRACT(EPOCH FROM t.due_at - e.recorded_at)::float8
              FROM call_timers t JOIN events e ON e.event_id = t.causation_id ORDER BY t.id
            """, logger: TestDatabase.logger)
        var timers: [(String, Double)] = []
        for try await (progress, dueIn) in rows.decode((String, Double).self) { timers.append((progress, dueIn)) }
        return timers
    }

    @Test func aDialIsPlacedOnceEvenWhenItsBatchIsHandledAgainAndItsAnswerFiresOnce() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let callId = try await Self.connectedCall(store)
            let add = AddParticipant(
                invitationId: "invitation-1", rawId: "4:+14255550300", sourceCallerIdNumber: "+18005550100",
                invitationTimeoutSeconds: 30, operationContext: nil)
            try await Self.automate(.add(add), on: callId, store)
            let events = try await store.readStream(StreamName.call(callId).streamId)

            let policy = TelephonyPolicy(gateway: SimulatedCarrier(), store: store)
            try await Self.handle(policy, events, client)
            try await Self.handle(policy, events, client)  // the same batch after a crash
            let scheduled = try await Self.timers(client)
            #expect(scheduled.count == 1)
            #expect(scheduled.first?.progress.contains("legAnswered") == true)
            #expect(scheduled.first.map { abs($0.dueIn - 3) < 0.001 } == true, "answers 3 s after the dial")

            // Fired by the service when due, into the call, with the carrier as actor and the dial as cause.
            let service = CallTimerService(store: store)
            let running = Task { try await service.run() }
            defer { running.cancel() }
            let deadline = ContinuousClock.now + .seconds(10)
            var answered: RecordedEvent?
            while answered == nil, ContinuousClock.now < deadline {
                answered = try await store.readStream(StreamName.call(callId).streamId).first {
                    $0.eventType == "CallDialOutAnswered"
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let answer = try #require(answered)
            #expect(answer.metadata.actor == "carrier:simulated")
            #expect(answer.metadata.causationId == events.last?.eventId)
            running.cancel()

            // The same timer firing again (a lease run out around a crash) records nothing more.
            let before = try await store.readStream(StreamName.call(callId).streamId).count
            try await service.fire(
                CallTimer(
                    key: "again", callId: callId, dueAt: Date(), progress: .legAnswered(rawId: "4:+14255550300"),
                    actor: "carrier:simulated", correlationId: UUID(), causationId: UUID()))
            #expect(try await store.readStream(StreamName.call(callId).streamId).count == before)
        }
    }

    @Test func aPlayEndsAfterItsDurationAndALateEndOfACanceledPlayChangesNothing() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let callId = try await Self.connectedCall(store)
            let play = PlayOperation(
                operationId: "play-1", connectionId: Self.connectionId, operationContext: nil,
                sources: [
                    .file(uri: "https://media.example/prompt-4s.wav"),
                    .text(text: "Thirty characters of text....", voiceName: nil),
                ],
                playTo: [], loop: false)
            try await Self.automate(.play(play, interrupt: false), on: callId, store)
            let events = try await store.readStream(StreamName.call(callId).streamId)
            try await Self.handle(MediaClockPolicy(store: store), events, client)
            #expect(try await Self.timers(client).isEmpty, "the media clock leaves a play's end to the gateway")
            try await Self.handle(TelephonyPolicy(gateway: SimulatedCarrier(), store: store), events, client)
            let scheduled = try await Self.timers(client)
            #expect(scheduled.count == 1)
            // The simulated carrier: four seconds of file, then 29 characters at 15 a second.
            #expect(scheduled.first.map { abs($0.dueIn - (4 + 29.0 / 15)) < 0.01 } == true, "\(scheduled)")

            try await Self.automate(.cancelMedia, on: callId, store)
            let canceled = try await store.readStream(StreamName.call(callId).streamId).count
            try await Self.run(.progress(.playFinished(operationId: "play-1"), now: Date()), on: callId, store)
            #expect(try await store.readStream(StreamName.call(callId).streamId).count == canceled)
        }
    }

    @Test func aRecognitionWaitsForItsPromptThenItsSilenceAndTheLineAnswersAfterThePrompt() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let callId = try await Self.connectedCall(store)
            let add = AddParticipant(
                invitationId: "i", rawId: "4:+14255550030", sourceCallerIdNumber: "+18005550100",
                invitationTimeoutSeconds: 30, operationContext: nil)
            try await Self.automate(.add(add), on: callId, store)
            try await Self.run(.progress(.legAnswered(rawId: "4:+14255550030"), now: Date()), on: callId, store)
            let recognize = RecognizeOperation(
                operationId: "r", connectionId: Self.connectionId, operationContext: nil,
                targetRawId: "4:+14255550030", maxTonesToCollect: 2, stopTones: [.pound],
                initialSilenceTimeoutSeconds: 5, interToneTimeoutSeconds: 2,
                prompt: [.file(uri: "https://media.example/menu-3s.wav")])
            try await Self.automate(.recognize(recognize), on: callId, store)
            let started = try #require(try await store.readStream(StreamName.call(callId).streamId).last)
            #expect(started.eventType == "CallRecognizeStarted")

            try await Self.handle(TelephonyPolicy(gateway: SimulatedCarrier(), store: store), [started], client)
            try await Self.handle(MediaClockPolicy(store: store), [started], client)
            let scheduled = try await Self.timers(client).map { ($0.progress.contains("tonesPressed"), $0.dueIn) }
            // The line (…0030 presses 3 then #) answers a second after the 3 s prompt; silence ends 5 s after it.
            #expect(scheduled.contains { $0.0 && abs($0.1 - 4) < 0.001 }, "\(scheduled)")
            #expect(scheduled.contains { !$0.0 && abs($0.1 - 8) < 0.001 }, "\(scheduled)")
        }
    }
}
