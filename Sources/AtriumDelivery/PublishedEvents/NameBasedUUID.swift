import Crypto
import Foundation

/// Name-based UUIDs (version 5) in Atrium's namespace: the same name always gives the same id.
///
/// A published event's id comes from the log event and the published type, so every delivery,
/// redelivery and backfill of it carries the same id (the subscriber's dedup key).
enum NameBasedUUID {
    /// Atrium's namespace (a fixed random UUID).
    private static let namespace = UUID(uuidString: "6f1c2a8e-5b7d-4c3e-9a41-2d8f0b7e6c15")!

    static func make(_ name: String) -> UUID {
        let input = withUnsafeBytes(of: namespace.uuid) { Array($0) } + Array(name.utf8)
        var b = Array(Insecure.SHA1.hash(data: input).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50  // version 5
        b[8] = (b[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    static func publishedEventId(logEventId: UUID, publishedType: String) -> UUID {
        make("event/\(logEventId.uuidString.lowercased())/\(publishedType)")
    }
}
