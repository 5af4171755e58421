import AtriumDomain
import Foundation
import Histogram
import Hummingbird
import NIOCore
import Synchronization

/// The delivery benchmark's subscriber: a loopback endpoint that counts events and measures commit →
/// receipt latency from each event's `eventTime` (the commit time, same machine clock).
final class DeliveryReceiver: Sendable {
    private struct State {
        var events = 0
        var requests = 0
        var first: ContinuousClock.Instant?
        var last: ContinuousClock.Instant?
        var latencies = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var validationURLs: [String] = []
        var acceptHandshake = true
    }

    private let state = Mutex(State())

    var events: Int { state.withLock { $0.events } }
    var validationURLs: [String] { state.withLock { $0.validationURLs } }

    func acceptHandshake(_ accept: Bool) { state.withLock { $0.acceptHandshake = accept } }

    /// Zeroes the counters for the next phase.
    func reset() {
        state.withLock { state in
            state.events = 0
            state.requests = 0
            state.first = nil
            state.last = nil
            state.latencies.reset()
        }
    }

    /// Events, requests, seconds from first to last receipt, p50 and p99 latency in ms.
    var figures: (events: Int, requests: Int, seconds: Double, p50: Double, p99: Double) {
        state.withLock { state in
            var seconds = 0.0
            if let first = state.first, let last = state.last { seconds = (last - first) / .seconds(1) }
            return (
                state.events, state.requests, seconds, Double(state.latencies.valueAtPercentile(50)) / 1000,
                Double(state.latencies.valueAtPercentile(99)) / 1000
            )
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/events") { request, context -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let text = String(buffer: body)
            let receivedAt = Date()
            if request.headers[.init("aeg-event-type")!] == "SubscriptionValidation" {
                let code = Self.values(of: "validationCode", in: text).first ?? ""
                let accept = self.state.withLock { state in
                    state.validationURLs += Self.values(of: "validationUrl", in: text)
                    return state.acceptHandshake
                }
                guard accept else { return Response(status: .ok) }  // no echo: it validates later via the URL
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"validationResponse\":\"\(code)\"}")))
            }
            let times = Self.values(of: "eventTime", in: text).compactMap(Timestamp.parse)
            let now = ContinuousClock.now
            self.state.withLock { state in
                state.events += times.count
                state.requests += 1
                if state.first == nil { state.first = now }
                state.last = now
                for time in times {
                    _ = state.latencies.record(UInt64(max(receivedAt.timeIntervalSince(time), 0) * 1_000_000))
                }
            }
            return Response(status: .ok)
        }
        return router
    }

    /// The string values of `"key":"…"` in `text` (enough for the envelopes Atrium writes).
    static func values(of key: String, in text: String) -> [String] {
        var values: [String] = []
        var rest = text[...]
        let marker = "\"\(key)\":\""
        while let range = rest.range(of: marker) {
            let value = rest[range.upperBound...].prefix { $0 != "\"" }
            values.append(String(value))
            rest = rest[value.endIndex...]
        }
        return values
    }
}
