import AtriumDomain
import AtriumStore
import Foundation
import Hummingbird
import ServiceLifecycle

/// The live feed of one call for its clients: server-sent events, one per event of the call's
/// stream, in stream order, ending after `CallEnded`.
///
/// Each SSE `id` is the event's stream version, so a client that reconnects with `Last-Event-ID`
/// resumes exactly where it stopped. The feed reads the call's own stream (an indexed range read)
/// every `interval`; it runs on every node, unlike the log consumers.
///
/// It ends cleanly when the server begins to shut down, and when the database cannot be read within
/// `readDeadline`: an open feed must not hold a stopping server, nor wait out an outage unseen. The
/// client reconnects with `Last-Event-ID`, to another node or once this one is back.
///
/// It is for the room's roster: a reader taken off the roster while it is open sees it end within
/// `membershipInterval`, as any new request of theirs would be refused.
struct CallFeed: Sendable {
    let store: EventStore
    let callId: String
    let after: Int64
    /// Whether the reader is still on the room's roster.
    let isStillMember: @Sendable () async throws -> Bool
    var membershipInterval: Duration = .seconds(1)
    var interval: Duration = .milliseconds(50)
    /// A comment line now and then keeps proxies from closing an idle stream.
    var keepAlive: Duration = .seconds(15)
    var readDeadline: Duration = .seconds(1)

    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let feed = self
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await feed.stream(to: &writer)
                try await writer.finish(nil)
            })
    }

    private func stream(to writer: inout any ResponseBodyWriter) async throws {
        var version = after
        var quietSince = ContinuousClock.now
        var memberSince = ContinuousClock.now
        try await writer.write(ByteBuffer(string: ": call \(callId)\n\n"))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if ContinuousClock.now - memberSince > membershipInterval {
                let (outcome, _) = await Deadline.run(readDeadline) { try await isStillMember() }
                guard (try? outcome.get()) == true else {
                    // Off the roster, or the database cannot say: either way the feed ends here.
                    try await writer.write(ByteBuffer(string: ": the feed is for the room's roster\n\n"))
                    return
                }
                memberSince = .now
            }
            let (outcome, _) = await Deadline.run(readDeadline) { [store, version] in
                try await store.readStream(StreamName.call(callId).streamId, after: version)
            }
            let events: [RecordedEvent]
            do {
                events = try outcome.get()
            } catch let error where DatabaseUnavailable.describes(error) || DatabaseUnavailable.isCancellation(error) {
                try await writer.write(ByteBuffer(string: ": the database cannot be reached; reconnect later\n\n"))
                return
            }
            for event in events {
                try await writer.write(ByteBuffer(string: Self.message(event, callId: callId)))
                version = event.streamVersion
                if event.eventType == "CallEnded" { return }
            }
            if !events.isEmpty {
                quietSince = .now
            } else if ContinuousClock.now - quietSince > keepAlive {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                quietSince = .now
            }
            try await Task.sleep(for: interval)
        }
    }

    /// `id`, `event` and one `data` line: `{"callId","version","time","type","actor","causationId"?,"data":{…}}`.
    /// The actor and cause come from the event's metadata: who did it, or which policy and why.
    static func message(_ event: RecordedEvent, callId: String) -> String {
        // The stored data is already JSON (one line: jsonb renders without newlines).
        let data = String(decoding: event.data, as: UTF8.self)
        let json =
            "{\"callId\":\(JSONObjectWriter.quoted(callId)),\"version\":\(event.streamVersion),"
            + "\"time\":\(JSONObjectWriter.quoted(Timestamp.format(event.recordedAt))),"
            + "\"type\":\(JSONObjectWriter.quoted(event.eventType)),"
            + "\"actor\":\(JSONObjectWriter.quoted(event.metadata.actor)),"
            + (event.metadata.causationId.map { "\"causationId\":\"\($0.uuidString.lowercased())\"," } ?? "")
            + "\"data\":\(data)}"
        return "id: \(event.streamVersion)\nevent: \(event.eventType)\ndata: \(json)\n\n"
    }
}
