import AsyncHTTPClient
import AtriumDomain
import Foundation
import NIOCore
import NIOHTTP1

/// One POST of a batch to its subscriber, with Event Grid's headers (and Standard Webhooks
/// signature headers when the subscription has a secret).
struct DeliveryAttempt {
    let http: HTTPClient
    /// The whole attempt's bound: a receiver that never answers costs this, and only its own slot.
    let timeout: Duration

    struct Result: Sendable {
        /// nil when no answer came (refused, reset, timed out).
        var status: Int?
        var retryAfter: Duration?
        /// For the outbox's last_outcome: `HTTP 503`, `timeout`, `refused: <the error>`, …
        var outcome: String
        var startedAt: Date
        /// Why no answer came; nil when one did.
        var failure: TransportFailure? = nil

        /// The outbox's last_reason and the failure counter's label: `http_503`, or why no answer
        /// came (`dns`, `refused`, `tls`, `timeout`, `connection`).
        var reason: String {
            if let status { return "http_\(status)" }
            return (failure ?? .connection).rawValue
        }
    }

    func send(_ batch: DeliveryBatch) async -> Result {
        let startedAt = Date()
        let subscription = batch.subscription
        let body = batch.body
        var request = HTTPClientRequest(url: subscription.endpointUrl)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: DeliveryEnvelope.contentType(subscription.schema))
        request.headers.add(name: "aeg-event-type", value: "Notification")
        request.headers.add(name: "aeg-subscription-name", value: subscription.name.uppercased())
        request.headers.add(name: "aeg-delivery-count", value: String(batch.attempt - 1))
        request.headers.add(name: "aeg-metadata-version", value: "1")
        request.headers.add(name: "aeg-data-version", value: "1.0")
        if let secret = subscription.signingSecret,
            let signature = WebhookSignature.headers(
                secret: secret, messageId: batch.messageId, timestamp: startedAt, body: body)
        {
            for (name, value) in signature { request.headers.add(name: name, value: value) }
        }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await http.execute(request, timeout: TimeAmount(timeout))
            _ = try? await response.body.collect(upTo: 1 << 20)  // read it all: the connection is reused
            let status = Int(response.status.code)
            return Result(
                status: status,
                retryAfter: RetrySchedule.parseRetryAfter(response.headers.first(name: "Retry-After"), now: Date()),
                outcome: "HTTP \(status)", startedAt: startedAt)
        } catch {
            let failure = TransportFailure(classifying: error)
            // A timeout says all there is to say; the others keep the error's own words.
            let outcome = failure == .timeout ? "timeout" : "\(failure.rawValue): \(error)"
            return Result(status: nil, retryAfter: nil, outcome: outcome, startedAt: startedAt, failure: failure)
        }
    }
}
