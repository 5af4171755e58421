/// How a recording lays out the conference's audio.
public enum RecordingChannels: Sendable, Hashable {
    /// One channel: every leg's received audio and every prompt played, summed.
    case mixed
    /// One channel per leg, in the order legs are first heard (ACS "unmixed"; two legs make a stereo
    /// file). Legs beyond the channel count share the last channel. Prompts are in no channel: each
    /// channel is what one participant said.
    case unmixed(channels: Int)

    var count: Int {
        switch self {
        case .mixed: 1
        case .unmixed(let channels): max(1, channels)
        }
    }
}
