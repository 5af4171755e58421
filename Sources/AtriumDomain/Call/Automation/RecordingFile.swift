import Foundation

/// A recording's audio as written by the node that carried the call: where it is served, how long.
public struct RecordingFile: Codable, Equatable, Sendable {
    /// The file's name in the recordings folder of the node that wrote it.
    public var name: String
    /// Where it is downloaded from (HMAC-signed GET; DELETE removes it).
    public var contentLocation: String
    public var durationMs: Int
    /// 1 for a mixed recording, one per participant for an unmixed one.
    public var channels: Int
    public var startedAt: Date

    public init(name: String, contentLocation: String, durationMs: Int, channels: Int, startedAt: Date) {
        self.name = name
        self.contentLocation = contentLocation
        self.durationMs = durationMs
        self.channels = channels
        self.startedAt = startedAt
    }
}
