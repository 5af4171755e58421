/// The name of an event subscription: 3 to 64 letters, digits and hyphens, as Event Grid allows.
///
/// Names are case-insensitive, like Azure resource names: Atrium keeps them in lower case, so
/// `Orders` and `orders` name one subscription (one stream, one row, one outbox key).
public struct SubscriptionName: Hashable, Sendable, CustomStringConvertible {
    public static let allowedLength = 3...64

    /// The name in lower case.
    public let value: String

    public var description: String { value }

    /// The aggregate's stream in the event log (`project_subscription` reads the name back from it).
    public var streamId: String { StreamName.subscription(self).streamId }

    public init(validating text: String) throws(DomainError) {
        guard Self.allowedLength.contains(text.utf8.count),
            text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || Self.isASCIIAlphanumeric($0) })
        else {
            throw DomainError.badArgument(
                "An event subscription name is 3 to 64 characters: letters, digits and hyphens.", target: "name")
        }
        value = text.lowercased()
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
