import ArgumentParser
import AtriumSIP
import AtriumTelephony
import Foundation

/// Where phone legs go: the simulated carrier (the default), or a SIP trunk whose calls carry
/// real audio.
struct TelephonyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Place phone legs through this SIP trunk (Twilio Elastic SIP Trunking, Telnyx, your own \
            SBC...): sip:host[:port][;transport=tcp]. Its username and password, if it asks for \
            them, come from ATRIUM_SIP_USERNAME and ATRIUM_SIP_PASSWORD. Without it, phone legs go \
            to the simulated carrier (numbers' last digits script what happens).
            """, valueName: "uri"))
    var sipTrunk: String?
    @Option(help: ArgumentHelp("Where to listen for SIP (the trunk's answers and requests).", valueName: "host:port"))
    var sipListen = "127.0.0.1:5060"
    @Option(help: ArgumentHelp("The UDP ports phone legs' audio (RTP) uses, one per leg.", valueName: "low-high"))
    var rtpPorts = "20000-20999"
    @Option(
        help: ArgumentHelp(
            """
            The address the trunk sends audio to (in SDP); this host's public address when the trunk \
            is elsewhere. Default: the --sip-listen host.
            """, valueName: "address"))
    var mediaAddress: String?
    @Option(help: ArgumentHelp("A phone leg still up after this long is hung up.", valueName: "seconds"))
    var maxCallDuration = 4 * 3600

    func validate() throws {
        if let sipTrunk { _ = try trunk(sipTrunk) }
        _ = try listenAddress()
        _ = try portRange()
        guard maxCallDuration >= 1 else { throw ValidationError("--max-call-duration must be at least 1 second.") }
    }

    /// The SIP trunk's settings, or nil for the simulated carrier.
    func settings(
        dataDirectory: URL, publicURL: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SIPTrunkSettings? {
        guard let sipTrunk else { return nil }
        let (host, port) = try listenAddress()
        var credentials: SIPCredentials?
        if let username = environment["ATRIUM_SIP_USERNAME"], !username.isEmpty {
            credentials = SIPCredentials(username: username, password: environment["ATRIUM_SIP_PASSWORD"] ?? "")
        }
        return SIPTrunkSettings(
            trunk: try trunk(sipTrunk), credentials: credentials, sipHost: host, sipPort: port,
            rtpPorts: try portRange(), mediaAddress: mediaAddress ?? host,
            maximumCallDuration: .seconds(maxCallDuration),
            recordingsFolder: Self.recordingsFolder(in: dataDirectory),
            recordingsURL: "\(publicURL)/calling/recordings")
    }

    /// Where recordings' files are written and served from.
    static func recordingsFolder(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("recordings")
    }

    private func trunk(_ uri: String) throws -> SIPTrunk {
        do {
            return try SIPTrunk(uri: uri)
        } catch {
            throw ValidationError("--sip-trunk: \(error) (expected sip:host[:port][;transport=tcp]).")
        }
    }

    private func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = sipListen.lastIndex(of: ":"), let port = Int(sipListen[sipListen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--sip-listen must be host:port, e.g. 127.0.0.1:5060.") }
        let host = sipListen[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host, port)
    }

    private func portRange() throws -> ClosedRange<Int> {
        let bounds = rtpPorts.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, 1024 <= bounds[0], bounds[0] < bounds[1], bounds[1] <= 65535 else {
            throw ValidationError("--rtp-ports must be low-high within 1024-65535, e.g. 20000-20999.")
        }
        return bounds[0]...bounds[1]
    }
}
