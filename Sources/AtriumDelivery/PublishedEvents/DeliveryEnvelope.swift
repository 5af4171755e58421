import AtriumDomain

/// A published event in the envelope its subscription asked for, as one element of the JSON
/// array that is delivered.
public enum DeliveryEnvelope {
    public static func encode(_ event: PublishedEvent, schema: DeliverySchema, topic: String) -> String {
        let id = JSONValue.string(event.id.uuidString.lowercased())
        let time = JSONValue.string(Timestamp.format(event.eventTime))
        let envelope: JSONValue =
            switch schema {
            case .eventGrid:
                [
                    "id": id, "topic": .string(topic), "subject": .string(event.subject),
                    "eventType": .string(event.eventType), "eventTime": time, "data": event.data,
                    "dataVersion": .string(event.dataVersion), "metadataVersion": "1",
                ]
            case .cloudEvents:
                [
                    "id": id, "source": .string(topic), "subject": .string(event.subject),
                    "type": .string(event.eventType), "time": time, "specversion": "1.0",
                    "datacontenttype": "application/json", "data": event.data,
                ]
            }
        return envelope.serialized
    }

    /// The request body: the events as a JSON array (Event Grid always sends an array).
    public static func batch(_ payloads: [String]) -> String {
        "[" + payloads.joined(separator: ",") + "]"
    }

    /// The Content-Type of a delivery in `schema`.
    public static func contentType(_ schema: DeliverySchema) -> String {
        switch schema {
        case .eventGrid: "application/json; charset=utf-8"
        case .cloudEvents: "application/cloudevents-batch+json; charset=utf-8"
        }
    }
}
