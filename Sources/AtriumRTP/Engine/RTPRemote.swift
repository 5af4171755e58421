/// Where and how a leg sends, as SDP negotiation decided.
public struct RTPRemote: Sendable, Hashable {
    /// The address of the answer's (or offer's) `c=` line: an IPv4 or IPv6 literal, or a host name.
    public var host: String
    /// The `m=audio` port.
    public var port: Int
    public var codec: G711
    /// The payload type of `telephone-event/8000`, nil when the far end did not offer it.
    public var telephoneEventPayloadType: UInt8?

    public init(host: String, port: Int, codec: G711, telephoneEventPayloadType: UInt8?) {
        self.host = host
        self.port = port
        self.codec = codec
        self.telephoneEventPayloadType = telephoneEventPayloadType
    }
}
