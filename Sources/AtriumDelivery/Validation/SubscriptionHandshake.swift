import AsyncHTTPClient
import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceLifecycle

/// Proves each new (or re-pointed) subscription's endpoint wants the events before anything is
/// delivered, as Event Grid does:
/// - Event Grid schema: POST a `Microsoft.EventGrid.SubscriptionValidationEvent`; validated when the
///   answer echoes `validationResponse` (or when the endpoint GETs the validation URL instead);
/// - CloudEvents schema: the webhook OPTIONS handshake; validated when `WebHook-Allowed-Origin`
///   allows Atrium's origin.
///
/// Runs on one node at a time (a session advisory lock per pass); an endpoint that does not
/// answer is asked again with growing pauses, up to every minute.
public struct SubscriptionHandshake: Service {
    /// The URL an endpoint may GET instead of echoing the code (served by the subscriptions API).
    public typealias ValidationURL = @Sendable (_ name: String, _ code: String) -> String

    /// The origin the OPTIONS handshake announces (Event Grid's, so existing receivers accept it).
    static let origin = "eventgrid.azure.net"

    let client: PostgresClient
    let http: HTTPClient
    let logger: Logger
    let topic: String
    let validationURL: ValidationURL
    /// Records an endpoint's answer: the handshake is one more client of the subscription commands.
    let subscriptions: SubscriptionCommands
    var interval: Duration

    public init(
        client: PostgresClient, http: HTTPClient, logger: Logger, topic: String,
        interval: Duration = .milliseconds(250), validationURL: @escaping ValidationURL,
        subscriptions: SubscriptionCommands
    ) {
        self.client = client
        self.http = http
        self.logger = logger
        self.topic = topic
        self.validationURL = validationURL
        self.interval = interval
        self.subscriptions = subscriptions
    }

    public func run() async throws {
        // Cancelled on graceful shutdown: a pass waiting for an unreachable database (or a slow
        // endpoint) must not hold up the server's stop; an unanswered handshake is tried again later.
        await cancelWhenGracefulShutdown {
            var pauses: [String: (next: ContinuousClock.Instant, pause: Duration)] = [:]
            while !Task.isCancelled {
                do {
                    try await pass(&pauses)
                } catch {
                    // Cancelled: the server is stopping, nothing failed.
                    if !Task.isCancelled {
                        logger.warning("subscription handshake pass failed", metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func pass(_ pauses: inout [String: (next: ContinuousClock.Instant, pause: Duration)]) async throws {
        let awaiting = try await SubscriptionDirectory.all(client: client, logger: logger).filter { !$0.isValidated }
        let now = ContinuousClock.now
        let due = awaiting.filter { subscription in
            guard let code = subscription.validationCode else { return false }
            return pauses[key(subscription.definition.name, code)].map { now >= $0.next } ?? true
        }
        guard !due.isEmpty else { return }
        // One node asks at a time: the lock is held on this connection, with no transaction open,
        // for the pass, and released before the connection goes back to the pool.
        let answers: [(name: String, code: String, method: String?)] = try await client.withConnection { connection in
            let lock = "subscription-handshake"
            let locked = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtextextended(\(lock), 0))", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard locked == true else { return [] }  // another node is at it
            var answers: [(name: String, code: String, method: String?)] = []
            for subscription in due {
                guard let code = subscription.validationCode else { continue }
                answers.append((subscription.definition.name, code, await ask(subscription.definition, code: code)))
            }
            // A connection closed meanwhile took the lock with it, and would never answer the unlock.
            if !connection.isClosed {
                _ = try await connection.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(lock), 0))", logger: logger)
            }
            return answers
        }
        for (name, code, method) in answers {
            if let method {
                do {
                    try await subscriptions.validate(name: name, code: code, method: method)
                    logger.info("subscription validated", metadata: ["subscription": "\(name)", "method": "\(method)"])
                } catch {
                    logger.warning(
                        "validating subscription failed", metadata: ["subscription": "\(name)", "error": "\(error)"])
                }
                pauses[key(name, code)] = nil
            } else {
                let previous = pauses[key(name, code)]?.pause ?? .zero
                let pause = min(max(previous * 2, .seconds(1)), .seconds(60))
                pauses[key(name, code)] = (ContinuousClock.now + pause, pause)
            }
        }
    }

    private func key(_ name: String, _ code: String) -> String { "\(name)/\(code)" }

    /// The validation method when the endpoint accepted, nil otherwise.
    private func ask(_ subscription: EventSubscription, code: String) async -> String? {
        switch subscription.schema {
        case .eventGrid: await askWithValidationEvent(subscription, code: code)
        case .cloudEvents: await askWithOptions(subscription)
        }
    }

    private func askWithValidationEvent(_ subscription: EventSubscription, code: String) async -> String? {
        let event: JSONValue = [
            "id": .string(UUID().uuidString.lowercased()), "topic": .string(topic), "subject": "",
            "data": [
                "validationCode": .string(code), "validationUrl": .string(validationURL(subscription.name, code)),
            ],
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "eventTime": .string(Timestamp.format(Date())), "metadataVersion": "1", "dataVersion": "1",
        ]
        var request = HTTPClientRequest(url: subscription.endpointUrl)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "aeg-event-type", value: "SubscriptionValidation")
        request.headers.add(name: "aeg-subscription-name", value: subscription.name.uppercased())
        request.headers.add(name: "aeg-delivery-count", value: "0")
        request.body = .bytes(ByteBuffer(string: JSONValue.array([event]).serialized))
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 * 1024)
            guard (200...204).contains(Int(response.status.code)),
                let json = try? JSONParser.parse(Array(body.readableBytesView)),
                case .object(let members) = json,
                let echoed = members.first(where: { $0.key.lowercased() == "validationresponse" })?.value,
                echoed == .string(code)
            else { return nil }  // it may still call the validation URL
            return "validationResponse"
        } catch {
            logger.debug(
                "validation event not answered",
                metadata: ["subscription": "\(subscription.name)", "error": "\(error)"])
            return nil
        }
    }

    private func askWithOptions(_ subscription: EventSubscription) async -> String? {
        var request = HTTPClientRequest(url: subscription.endpointUrl)
        request.method = .OPTIONS
        request.headers.add(name: "WebHook-Request-Origin", value: Self.origin)
        request.headers.add(name: "WebHook-Request-Rate", value: "120")
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let allowed = response.headers["WebHook-Allowed-Origin"].flatMap {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            }
            guard (200...204).contains(Int(response.status.code)),
                allowed.contains("*") || allowed.contains(Self.origin)
            else { return nil }
            return "webhookOptions"
        } catch {
            logger.debug(
                "OPTIONS handshake not answered",
                metadata: ["subscription": "\(subscription.name)", "error": "\(error)"])
            return nil
        }
    }
}
