/// Why a play stopped before its end, with the reason code ACS gives (`MediaEventReasonCode`).
public struct PlayFailure: Codable, Equatable, Sendable {
    public var subCode: Int
    public var message: String
    /// Which of the play's sources failed.
    public var sourceIndex: Int

    public init(subCode: Int, message: String, sourceIndex: Int) {
        self.subCode = subCode
        self.message = message
        self.sourceIndex = sourceIndex
    }

    /// The file's URL gave no file: unreachable, an error status, too large or too slow.
    public static func downloadFailed(sourceIndex: Int) -> PlayFailure {
        PlayFailure(subCode: 8536, message: "Action failed, file could not be downloaded.", sourceIndex: sourceIndex)
    }

    /// The file is not audio that can be played (not a WAV of a known encoding).
    public static func invalidFileFormat(sourceIndex: Int) -> PlayFailure {
        PlayFailure(subCode: 8535, message: "Action failed, file format is invalid.", sourceIndex: sourceIndex)
    }

    /// The text or SSML could not be spoken.
    public static func speechFailed(sourceIndex: Int) -> PlayFailure {
        PlayFailure(
            subCode: 8565, message: "Action failed, the text could not be synthesized.", sourceIndex: sourceIndex)
    }
}
