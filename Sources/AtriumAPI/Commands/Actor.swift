/// The actors Atrium records in event metadata.
enum Actor {
    /// The holder of the resource's access key: the customer's server.
    static let application = "application"
}
