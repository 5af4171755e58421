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
        /// For the outbox's last_outcome: `HTTP 503`, `timeout`, …
        var outcome: String
        var startedAt: Date
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
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return Result(status: nil, retryAfter: nil, outcome: "timeout", startedAt: startedAt)
        } catch {
            return Result(status: nil, retryAfter: nil, outcome: "error: \(error)", startedAt: startedAt)
        }
    }
}
