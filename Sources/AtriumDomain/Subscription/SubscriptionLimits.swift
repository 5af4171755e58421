/// The bounds of a subscription's properties: Event Grid's, where Event Grid has them.
public enum SubscriptionLimits {
    public static let maxDeliveryAttempts = 1...30
    public static let eventTimeToLiveInMinutes = 1...1440
    public static let maxEventsPerBatch = 1...5000
    public static let preferredBatchSizeInKilobytes = 1...1024
    /// Advanced filters per subscription.
    public static let maxAdvancedFilters = 25
    /// Filter values across all the advanced filters of a subscription (Event Grid counts them together).
    public static let maxAdvancedFilterValues = 25
    /// Characters per string value of an advanced filter.
    public static let maxFilterStringLength = 512
    public static let maxEndpointUrlLength = 2048
}
