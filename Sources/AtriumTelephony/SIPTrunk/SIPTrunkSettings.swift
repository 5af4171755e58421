import AtriumSIP
import Foundation

/// How Atrium reaches the telephone network through a SIP trunk, and carries the legs' audio.
public struct SIPTrunkSettings: Sendable {
    public var trunk: SIPTrunk
    /// From the environment only: never logged, never in an event.
    public var credentials: SIPCredentials?
    /// Where the user agent listens for SIP (the trunk's answers and requests); port 0 = any.
    public var sipHost: String
    public var sipPort: Int
    /// The UDP ports phone legs' RTP is bound in (one even port per leg).
    public var rtpPorts: ClosedRange<Int>
    /// The address the trunk is told to send audio to (SDP `c=`): the host's public address when
    /// the trunk is elsewhere.
    public var mediaAddress: String
    /// A leg still up after this long is hung up: nobody pays for a call forgotten off the hook.
    public var maximumCallDuration: Duration
    /// Where recordings' files are written, and the URL they are downloaded under
    /// (`<recordingsURL>/<recording id>/content`).
    public var recordingsFolder: URL
    public var recordingsURL: String

    public init(
        trunk: SIPTrunk, credentials: SIPCredentials?, sipHost: String, sipPort: Int, rtpPorts: ClosedRange<Int>,
        mediaAddress: String, maximumCallDuration: Duration, recordingsFolder: URL, recordingsURL: String
    ) {
        self.recordingsFolder = recordingsFolder
        self.recordingsURL = recordingsURL
        self.trunk = trunk
        self.credentials = credentials
        self.sipHost = sipHost
        self.sipPort = sipPort
        self.rtpPorts = rtpPorts
        self.mediaAddress = mediaAddress
        self.maximumCallDuration = maximumCallDuration
    }
}
