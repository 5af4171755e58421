import AsyncHTTPClient
import AtriumDelivery
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import NIOPosix
import PostgresNIO
import Testing

/// One bad subscriber never delays the others: beside a subscriber that hangs, one that answers
/// 500 and one whose port is closed, a healthy subscriber gets every event within 100 ms of its
/// commit, and the bad ones are retried, backed off and dead-lettered on their own schedules.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct DeliveryIsolationTests {
    static let topic = "/atrium/test"
    /// The rooms whose id ends so go to the hanging and the closed subscriber too.
    static let marked = "0777"
    static let events = 100
    static let markedEvery = 12

    /// Short versions of the production settings, so that schedules play out in seconds.
    static let settings: DeliverySettings = {
        var settings = DeliverySettings()
        settings.attemptTimeout = .seconds(1)
        settings.connectTimeout = .milliseconds(500)
        settings.maxAttemptsPerEndpoint = 8
        settings.retryDelays = [.seconds(1), .seconds(2), .seconds(3), .seconds(4), .seconds(5)]
        return settings
    }()

    @Test func aHangingAFailingAndAClosedSubscriberNeverDelayAHealthyOne() async throws {
        let settings = Self.settings
        let timeout = settings.attemptTimeout.seconds
        let firstDelay = settings.retryDelays[0].seconds
        let secondDelay = settings.retryDelays[1].seconds
        let healthy = WebhookReceiver()
        let failing = WebhookReceiver()
        failing.answer(.status(500, retryAfter: nil))
        let hanging = HangingEndpoint()
        let closedURL = "http://127.0.0.1:\(try await Self.closedPort())/hook"

        try await withPublishing(settings: settings, receivers: healthy, failing, hanging) {
            store, healthyURL, failingURL, hangingURL in
            let everything = EventFilter(includedEventTypes: [PublishedEventTypes.roomCreated.lowercased()])
            let markedOnly = EventFilter(
                includedEventTypes: [PublishedEventTypes.roomCreated.lowercased()], subjectEndsWith: Self.marked)
            try await PublishingFixture.subscribe(store, "healthy", healthyURL, filter: everything)
            // One room first, to the healthy subscriber alone and not measured: its first delivery
            // opens the connection and warms the workers up; what is measured is the steady state.
            let (warmUp, _) = try await createRoom(store, marked: false)
            try await waitUntil(timeout: .seconds(5)) {
                healthy.deliveries.contains { subjects(of: $0).contains(warmUp) }
            }
            try await PublishingFixture.subscribe(
                store, "failing", failingURL, filter: everything, maxDeliveryAttempts: 3)
            try await PublishingFixture.subscribe(
                store, "hanging", hangingURL, filter: markedOnly, maxDeliveryAttempts: 2)
            try await PublishingFixture.subscribe(
                store, "closed", closedURL, filter: markedOnly, maxDeliveryAttempts: 2)

            // 100 rooms at 50 a second; every 12th also goes to the hanging and the closed subscriber.
            var committed: [String: Date] = [:]
            var markedRooms: [String] = []
            for index in 0..<Self.events {
                let isMarked = index % Self.markedEvery == 0
                let (room, at) = try await createRoom(store, marked: isMarked)
                committed[room] = at
                if isMarked { markedRooms.append(room) }
                try await Task.sleep(for: .milliseconds(20))
            }
            let outbox = Outbox(client: store.client, logger: store.logger)

            // The healthy subscriber: every event, each within 100 ms of its commit.
            try await waitUntil(timeout: .seconds(5)) {
                Set(healthy.deliveries.flatMap { subjects(of: $0) }).count >= Self.events + 1
            }
            var latencies: [Double] = []
            var seen: Set<String> = []
            for delivery in healthy.deliveries {
                for subject in subjects(of: delivery) where seen.insert(subject).inserted {
                    if let at = committed[subject] { latencies.append(delivery.at.timeIntervalSince(at)) }
                }
            }
            latencies.sort()
            let p50 = latencies.isEmpty ? .infinity : latencies[latencies.count / 2]
            let p99 = latencies.isEmpty ? .infinity : latencies[Int((Double(latencies.count) * 0.99).rounded(.up)) - 1]
            #expect(latencies.count == Self.events, "every event reached the healthy subscriber")
            #expect(
                p99 < 0.1,
                "healthy commit → receipt p50 \(ms(p50)) ms, p99 \(ms(p99)) ms; slowest \(latencies.suffix(5).map(ms))")

            // The failing subscriber (500): every event tried three times, 1 s then 2 s apart (up to
            // 20% later, and a poll), then dead-lettered at once.
            try await waitUntil(timeout: .seconds(15)) {
                try await outbox.list(dead: true, subscription: "failing", limit: 1000).count == Self.events
            }
            var attempts: [String: [WebhookReceiver.Received]] = [:]
            for delivery in failing.deliveries {
                for subject in subjects(of: delivery) { attempts[subject, default: []].append(delivery) }
            }
            #expect(attempts.count == Self.events)
            for (subject, tries) in attempts {
                #expect(
                    tries.map { $0.headers[HTTPField.Name("aeg-delivery-count")!] } == ["0", "1", "2"],
                    "\(subject): three attempts")
                guard tries.count == 3 else { continue }
                let gaps = [tries[1].at.timeIntervalSince(tries[0].at), tries[2].at.timeIntervalSince(tries[1].at)]
                #expect(
                    gaps[0] >= firstDelay - 0.05 && gaps[0] <= firstDelay * 1.2 + 0.5,
                    "\(subject): first retry after \(gaps[0]) s")
                #expect(
                    gaps[1] >= secondDelay - 0.05 && gaps[1] <= secondDelay * 1.2 + 0.5,
                    "\(subject): second retry after \(gaps[1]) s")
            }
            for dead in try await outbox.list(dead: true, subscription: "failing", limit: 1000) {
                #expect(dead.deadReason == "MaxDeliveryAttemptsExceeded")
                #expect(dead.lastOutcome == "HTTP 500")
                #expect(dead.attempts == 3)
                if let deadAt = dead.deadAt, let lastAttemptAt = dead.lastAttemptAt {
                    #expect(deadAt.timeIntervalSince(lastAttemptAt) < 1, "recorded as soon as it was answered")
                }
            }

            // The hanging subscriber: at most its share of attempts open at once, each given up after its
            // timeout; once it has failed, one attempt at a time after each pause, its oldest event
            // retried first and dead-lettered after its second attempt.
            let firstMarked = try #require(committed[markedRooms[0]])
            try await waitUntil(timeout: .seconds(10)) {
                try await outbox.list(dead: true, subscription: "hanging", limit: 100).count >= 1
            }
            let connections = hanging.connections
            #expect(maxOpenAtOnce(connections) <= settings.maxAttemptsPerEndpoint)
            for connection in connections {
                guard let closedAt = connection.closedAt else { continue }
                let lasted = closedAt.timeIntervalSince(connection.openedAt)
                // The deadline starts with the request, a moment before the connection opens.
                #expect(lasted >= timeout - 0.25 && lasted <= timeout + 0.5, "an attempt lasted \(lasted) s")
            }
            if let firstFailure = connections.compactMap(\.closedAt).min() {
                let afterwards = connections.filter { $0.openedAt > firstFailure }
                #expect(maxOpenAtOnce(afterwards) <= 1, "a failing endpoint is probed one attempt at a time")
                if let probe = afterwards.first {
                    let pause = probe.openedAt.timeIntervalSince(firstFailure)
                    #expect(
                        pause >= firstDelay - 0.05 && pause <= firstDelay * 1.2 + 0.5,
                        "the endpoint rested \(pause) s after its first failure")
                }
            }
            let hangingDead = try await outbox.list(dead: true, subscription: "hanging", limit: 100)
            let firstHangingDead = try #require(hangingDead.first)
            #expect(firstHangingDead.deadReason == "MaxDeliveryAttemptsExceeded")
            #expect(firstHangingDead.lastOutcome == "timeout")
            #expect(firstHangingDead.lastReason == "timeout")
            #expect(firstHangingDead.attempts == 2)
            if let deadAt = firstHangingDead.deadAt {
                let after = deadAt.timeIntervalSince(firstMarked)
                #expect(
                    after >= 2 * timeout + firstDelay - 0.05 && after <= 2 * timeout + firstDelay * 1.2 + 1,
                    "the hanging subscriber's first event was dead-lettered \(after) s after its commit")
            }

            // The closed port: refused at once, its first event retried after the first delay and
            // dead-lettered; the endpoint backed off as a whole, so most of its events wait untried
            // instead of each being refused in turn.
            try await waitUntil(timeout: .seconds(10)) {
                try await outbox.list(dead: true, subscription: "closed", limit: 100).count >= 1
            }
            let closedDead = try await outbox.list(dead: true, subscription: "closed", limit: 100)
            let firstClosedDead = try #require(closedDead.first)
            #expect(firstClosedDead.deadReason == "MaxDeliveryAttemptsExceeded")
            #expect(firstClosedDead.lastOutcome?.hasPrefix("refused: ") == true)
            #expect(firstClosedDead.lastReason == "refused")
            if let deadAt = firstClosedDead.deadAt {
                let after = deadAt.timeIntervalSince(firstMarked)
                #expect(
                    after >= firstDelay - 0.05 && after <= firstDelay * 1.2 + 0.6,
                    "the closed subscriber's first event was dead-lettered \(after) s after its commit")
            }
            let closedRows =
                try await outbox.list(dead: false, subscription: "closed", limit: 100)
                + closedDead
            #expect(closedRows.count == markedRooms.count)
            let tried = closedRows.map(\.attempts).reduce(0, +)
            #expect(tried <= 6, "\(tried) attempts at a closed port within seconds")
            #expect(closedRows.filter { $0.attempts == 0 }.count >= 3, "events of a failing endpoint wait untried")
        }
    }

    // MARK: Fixtures

    /// A loopback port nobody listens on (bound for a moment to learn a free one).
    private static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Runs the receivers and the publishing services on a fresh database while `body` runs.
    private func withPublishing(
        settings: DeliverySettings, receivers healthy: WebhookReceiver, _ failing: WebhookReceiver,
        _ hanging: HangingEndpoint,
        _ body: @Sendable (EventStore, String, String, String) async throws -> Void
    ) async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: settings.httpClientConfiguration)
            let result = await Result {
                try await healthy.run { healthyURL in
                    try await failing.run { failingURL in
                        try await hanging.run { hangingURL in
                            let publishing = Publishing(
                                store: store, http: http, topic: Self.topic, delivery: settings,
                                validationURL: { name, code in "http://127.0.0.1:1/validate?code=\(code)" })
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                for service in publishing.services { group.addTask { try await service.run() } }
                                defer { group.cancelAll() }
                                try await body(store, healthyURL, failingURL, hangingURL)
                            }
                        }
                    }
                }
            }
            try await http.shutdown()
            try result.get()
        }
    }

    /// A room whose id ends in `marked` or not; returns its subject and when it was committed.
    private func createRoom(_ store: EventStore, marked: Bool) async throws -> (String, Date) {
        var id = String(Int64.random(in: 1_000_000_000_000_000...9_000_000_000_000_000))
        if marked {
            id = String(id.dropLast(Self.marked.count)) + Self.marked
        } else if id.hasSuffix(Self.marked) {
            id = String(id.dropLast()) + "8"
        }
        let now = Date()
        let created = NewEvent.roomCreated(id: id, at: now, metadata: PublishingFixture.metadata)
        try await store.append(
            to: StreamName(.room, id: id).streamId, expected: .noStream, events: [created], recordedAt: now)
        return ("room/\(id)", Date())
    }

    private func subjects(of delivery: WebhookReceiver.Received) -> [String] {
        guard case .array(let elements) = try? JSONParser.parse(Array(delivery.body.utf8)) else { return [] }
        return elements.compactMap { if case .string(let subject) = $0["subject"] { subject } else { nil } }
    }

    /// The most connections open at one moment.
    private func maxOpenAtOnce(_ connections: [HangingEndpoint.Connection]) -> Int {
        let edges =
            connections.map { ($0.openedAt, 1) }
            + connections.map { ($0.closedAt ?? .distantFuture, -1) }
        var open = 0
        var most = 0
        for (_, change) in edges.sorted(by: { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }) {
            open += change
            most = max(most, open)
        }
        return most
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
}
