import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Fills the outbox with Call Automation callbacks: for each call event, what it tells each call
/// connection (`CallbackPublication`), as CloudEvents addressed to the connection's callback URI,
/// written in the same transaction as the consumer's checkpoint. The delivery workers then send
/// them like any other delivery (retries, dead letters, redrive), one at a time per connection so
/// that a receiver gets them in order.
public struct CallbackFanOut: LogConsumerHandler {
    public static let consumerName = "publishing.callbacks"

    let calls: CallStates

    public init(store: EventStore) {
        self.calls = CallStates(store: store)
    }

    /// Every call event: the kept call states advance one version at a time.
    public var selection: EventSelection { .types(CallEvent.eventTypes) }

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
        var rows = OutboxRows()
        for event in events where event.streamName?.category == .call {
            let callEvent = try event.decode(as: CallEvent.self)
            let (before, after) = try await calls.advance(through: event, callEvent)
            let callbacks = CallbackPublication.callbacks(for: callEvent, before: before.call, after: after.call)
            for (index, callback) in callbacks.enumerated() {
                let envelope = CallbackEnvelope(
                    callback: callback, index: index, source: event, serverCallId: after.call.id ?? "",
                    correlationId: before.correlationId ?? after.correlationId ?? event.metadata.correlationId)
                rows.appendCallback(
                    key: callback.outboxKey, eventId: envelope.id, eventType: envelope.type, subject: envelope.subject,
                    payload: envelope.json, destination: callback.destination, source: event)
            }
        }
        try await rows.insert(on: transaction, logger: logger)
    }
}

/// A callback as the CloudEvent delivered to the connection (one element of the JSON array):
/// `{id, source, subject, type, data, time, specversion, datacontenttype}`.
struct CallbackEnvelope {
    let id: UUID
    let type: String
    let subject: String
    let json: String

    init(
        callback: CallbackPublication.Callback, index: Int, source: RecordedEvent, serverCallId: String,
        correlationId: UUID
    ) {
        // Stable across redeliveries and a replayed fan-out: the log event, the connection, the place.
        id = NameBasedUUID.make(
            "callback/\(source.eventId.uuidString.lowercased())/\(callback.outboxKey)/\(index)")
        type = "Microsoft.Communication.\(callback.name)"
        subject = "calling/callConnections/\(callback.connectionId)"
        var data: [(key: String, value: JSONValue)] = [
            (key: "callConnectionId", value: .string(callback.connectionId)),
            (key: "serverCallId", value: .string(serverCallId)),
            (key: "correlationId", value: .string(correlationId.uuidString.lowercased())),
        ]
        if let operationContext = callback.operationContext {
            data.append((key: "operationContext", value: .string(operationContext)))
        }
        data.append((key: "resultInformation", value: callback.result.json))
        if callback.name == "ParticipantsUpdated" {
            // Grows with the call's history: a receiver keeps the highest it has seen.
            data.append((key: "sequenceNumber", value: .number(Double(source.streamVersion))))
        }
        data += callback.data
        let envelope: JSONValue = .object([
            (key: "id", value: .string(id.uuidString.lowercased())),
            (key: "source", value: .string(subject)),
            (key: "subject", value: .string(subject)),
            (key: "type", value: .string(type)),
            (key: "data", value: .object(data)),
            (key: "time", value: .string(Timestamp.format(source.recordedAt))),
            (key: "specversion", value: "1.0"),
            (key: "datacontenttype", value: "application/json"),
        ])
        json = envelope.serialized
    }
}
