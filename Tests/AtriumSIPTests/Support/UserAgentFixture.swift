import Logging
import NIOPosix

@testable import AtriumSIP

/// A user agent for one test, with a trunk on loopback.
enum UserAgentFixture {
    static var logger: Logger {
        var logger = Logger(label: "AtriumSIPTests")
        logger.logLevel = .notice
        return logger
    }

    static func start(
        trunk: String, credentials: SIPCredentials? = nil, t1: Duration? = nil, logger: Logger = Self.logger
    ) async throws -> SIPUserAgent {
        let configuration = SIPUserAgentConfiguration(
            trunk: try SIPTrunk(uri: trunk), credentials: credentials, listenHost: "127.0.0.1", listenPort: 0,
            userAgent: "Atrium/test")
        if let t1 {
            return try await SIPUserAgent.start(
                configuration, timers: SIPTimers(t1: t1), group: MultiThreadedEventLoopGroup.singleton,
                logger: logger)
        }
        return try await SIPUserAgent.start(configuration, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    static func call(
        _ id: String, to user: String = "+14255550120", ringTimeout: Duration = .seconds(15)
    ) -> SIPOutgoingCall {
        let offer = SessionDescription.offer(address: "127.0.0.1", port: 31_900, sessionId: 1)
        return SIPOutgoingCall(callId: id, toUser: user, offer: offer.text, ringTimeout: ringTimeout)
    }
}
