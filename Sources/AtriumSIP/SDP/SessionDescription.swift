/// An SDP session description (RFC 4566), as offered and answered in INVITEs (RFC 3264).
///
/// Lines this type does not model (`b=`, `i=`, `k=`…) are kept in order so that a parsed description renders
/// back with them. `text` is the description on the wire, CRLF-terminated.
public struct SessionDescription: Sendable, Equatable {
    /// The `o=` line: who made the session, its id, and the version bumped with every new offer.
    public struct Origin: Sendable, Equatable {
        public var username: String
        public var sessionId: UInt64
        public var sessionVersion: UInt64
        public var address: String

        public init(username: String = "-", sessionId: UInt64, sessionVersion: UInt64, address: String) {
            self.username = username
            self.sessionId = sessionId
            self.sessionVersion = sessionVersion
            self.address = address
        }
    }

    /// One `m=` section with its own `c=` and attribute lines.
    public struct Media: Sendable, Equatable {
        /// "audio", "video"…
        public var kind: String
        /// 0 means the answerer rejected this stream.
        public var port: Int
        public var proto: String
        /// Payload types for RTP profiles, as written (`0`, `8`, `101`).
        public var formats: [String]
        public var connectionAddress: String?
        /// `a=` lines without the `a=`, e.g. `rtpmap:0 PCMU/8000`, `sendonly`.
        public var attributes: [String]
        /// Other lines of the section (`b=`, `i=`…), kept verbatim.
        public var otherLines: [String]

        public init(
            kind: String, port: Int, proto: String, formats: [String], connectionAddress: String? = nil,
            attributes: [String] = [], otherLines: [String] = []
        ) {
            self.kind = kind
            self.port = port
            self.proto = proto
            self.formats = formats
            self.connectionAddress = connectionAddress
            self.attributes = attributes
            self.otherLines = otherLines
        }
    }

    public var origin: Origin
    public var sessionName: String
    /// The session-level `c=` address; a media-level one wins for its section.
    public var connectionAddress: String?
    public var timing: String
    /// Session-level `a=` lines without the `a=`.
    public var attributes: [String]
    /// Other session-level lines, kept verbatim.
    public var otherLines: [String]
    public var media: [Media]

    public init(
        origin: Origin, sessionName: String = "-", connectionAddress: String?, timing: String = "0 0",
        attributes: [String] = [], otherLines: [String] = [], media: [Media]
    ) {
        self.origin = origin
        self.sessionName = sessionName
        self.connectionAddress = connectionAddress
        self.timing = timing
        self.attributes = attributes
        self.otherLines = otherLines
        self.media = media
    }
}
