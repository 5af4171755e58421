import AtriumDomain

extension RecordedEvent {
    /// The event's stream as a name; nil for a stream outside Atrium's categories.
    public var streamName: StreamName? { StreamName(streamId: streamId) }

    /// The id of the aggregate the event belongs to, when its stream is of `category`.
    public func aggregateId(in category: StreamName.Category) -> String? {
        guard let name = streamName, name.category == category else { return nil }
        return name.id
    }
}
