/// A room's id: a numeric string of 16 or 17 digits, as ACS issues them.
public struct RoomId: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public var description: String { value }

    /// The aggregate's stream in the event log.
    public var streamId: String { StreamName.room(self).streamId }

    public init(validating value: String) throws(DomainError) {
        guard (16...17).contains(value.count), value.allSatisfy(\.isASCIIDigit) else {
            throw DomainError(.badRequest, "Invalid room ID length.", target: "roomId")
        }
        self.value = value
    }

    /// A fresh 17-digit id; the caller supplies the randomness so that tests can be deterministic.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> RoomId {
        let number = UInt64.random(in: 10_000_000_000_000_000...99_999_999_999_999_999, using: &generator)
        return RoomId(unchecked: String(number))
    }

    private init(unchecked value: String) { self.value = value }
}
