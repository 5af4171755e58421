import AsyncHTTPClient
import AtriumAPI
import Crypto
import Foundation
import Histogram
import NIOCore
import NIOHTTP1

/// Closed-loop load: `connections` workers each sending signed create-room requests back to back
/// until the time is up, recording every latency.
struct CreateRoomLoad {
    let baseURL: String
    let signer: HMACAuthenticator
    let repeatable: Bool

    struct Result {
        var succeeded = 0
        var failed = 0
        var seconds: Double = 0
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)

        /// Percentiles measured elsewhere (by wrk), in milliseconds.
        var p50Override: Double?
        var p99Override: Double?

        var commandsPerSecond: Double { Double(succeeded) / seconds }
        var p50Milliseconds: Double { p50Override ?? Double(latencies.valueAtPercentile(50)) / 1000 }
        var p99Milliseconds: Double { p99Override ?? Double(latencies.valueAtPercentile(99)) / 1000 }
    }

    // What the SDK sends for a create with no arguments.
    static let body = #"{"validFrom": null, "validUntil": null, "pstnDialOutEnabled": false}"#
    static let target = "/rooms?api-version=2025-03-13"

    func run(connections: Int, seconds: Int) async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let start = ContinuousClock.now
        let deadline = start + .seconds(seconds)

        let result = await withTaskGroup(of: Result.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var local = Result()
                    while ContinuousClock.now < deadline {
                        guard
                            var request = try? SignedRequest.make(
                                .POST, baseURL: baseURL, target: Self.target, body: Self.body, signer: signer)
                        else {
                            local.failed += 1
                            continue
                        }
                        if repeatable {
                            let date = request.headers.first(name: "x-ms-date") ?? HTTPDateFormat.now()
                            request.headers.add(name: "Repeatability-Request-ID", value: UUID().uuidString)
                            request.headers.add(name: "Repeatability-First-Sent", value: date)
                        }
                        let sent = ContinuousClock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            let elapsed = ContinuousClock.now - sent
                            if response.status == .created {
                                local.succeeded += 1
                                _ = local.latencies.record(UInt64(elapsed / .microseconds(1)))
                            } else {
                                local.failed += 1
                            }
                        } catch {
                            local.failed += 1
                        }
                    }
                    return local
                }
            }
            var total = Result()
            for await part in group {
                total.succeeded += part.succeeded
                total.failed += part.failed
                total.latencies.add(part.latencies)
            }
            return total
        }
        var final = result
        let elapsed = ContinuousClock.now - start
        final.seconds = elapsed / .seconds(1)
        try await client.shutdown()
        return final
    }
}

/// RFC 1123 dates for `x-ms-date`.
enum HTTPDateFormat {
    static func now() -> String { string(time_t(Date().timeIntervalSince1970)) }

    static func string(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(parts.tm_wday)], parts.tm_mday,
            months[Int(parts.tm_mon)], Int(parts.tm_year) + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
