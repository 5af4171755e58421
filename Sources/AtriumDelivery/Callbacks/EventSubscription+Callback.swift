import AtriumDomain

extension EventSubscription {
    /// How a call connection's callbacks are delivered: CloudEvents to its callback URI, with Event
    /// Grid's retry schedule and dead-lettering (ACS gives callbacks no policy of their own).
    static func callback(_ key: String, endpointUrl: String) -> EventSubscription {
        EventSubscription(name: key, endpointUrl: endpointUrl, schema: .cloudEvents)
    }
}
