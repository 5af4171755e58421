import AtriumDomain

extension SubscriptionEvent {
    /// What happened to the event subscription, in one line. Its signing secret is never shown.
    public var auditDescription: String {
        switch self {
        case .created(let e):
            "subscription \(e.subscription.name) created: \(Self.destination(e.subscription)), awaiting validation"
        case .updated(let e):
            "subscription updated: \(Self.destination(e.subscription))"
                + (e.validationCode == nil ? "" : ", awaiting a new validation")
        case .validated(let e): "endpoint validated (\(e.method))"
        case .deleted: "subscription deleted"
        }
    }

    private static func destination(_ subscription: EventSubscription) -> String {
        "\(subscription.schema.rawValue) to \(subscription.endpointUrl)"
    }
}
