/// Where calls go: the trunk's address and transport, parsed from `sip:host[:port][;transport=tcp|udp]`.
///
/// The trunk is the next hop of every request this user agent sends out of a dialog (an outbound proxy in
/// RFC 3261 terms): a carrier's SIP trunk, an SBC, or a test peer.
public struct SIPTrunk: Sendable, Equatable, CustomStringConvertible {
    /// The transport a trunk is reached over.
    public enum Transport: String, Sendable {
        case udp
        case tcp
    }

    /// A trunk URI this user agent cannot use, with the reason in words.
    public struct InvalidURI: Error, Equatable, CustomStringConvertible {
        public let uri: String
        public let reason: String
        public var description: String { "invalid SIP trunk URI \"\(uri)\": \(reason)" }
    }

    public var host: String
    public var port: Int
    public var transport: Transport

    public init(host: String, port: Int = 5060, transport: Transport = .udp) {
        self.host = host
        self.port = port
        self.transport = transport
    }

    /// Parses `sip:host[:port][;transport=tcp|udp]`; the port defaults to 5060 and the transport to UDP.
    public init(uri: String) throws {
        func invalid(_ reason: String) -> InvalidURI { InvalidURI(uri: uri, reason: reason) }
        guard uri.lowercased().hasPrefix("sip:") else { throw invalid("it must start with sip:") }
        var parameters = uri.dropFirst(4).split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let hostPort = parameters.removeFirst()
        guard !hostPort.contains("@") else { throw invalid("a trunk URI names a host, not a user") }
        var transport = Transport.udp
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.lowercased() }
            guard pair.count == 2, pair[0] == "transport" else {
                throw invalid("unknown parameter \"\(parameter)\" (only transport=udp|tcp)")
            }
            guard let value = Transport(rawValue: pair[1]) else {
                throw invalid("transport must be udp or tcp, not \"\(pair[1])\"")
            }
            transport = value
        }
        let (host, port) = try Self.splitHostPort(hostPort, invalid: invalid)
        self.init(host: host, port: port, transport: transport)
    }

    /// `sip:host:port;transport=...`, the URI this trunk was parsed from in its full form.
    public var description: String { "sip:\(SIPURI.bracketed(host)):\(port);transport=\(transport.rawValue)" }

    private static func splitHostPort(
        _ text: String, invalid: (String) -> InvalidURI
    ) throws -> (String, Int) {
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            // An IPv6 literal: "[::1]" or "[::1]:5070".
            guard let close = text.firstIndex(of: "]") else { throw invalid("unclosed IPv6 bracket") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("unexpected text after the host") }
                portText = String(rest.dropFirst())
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) }) else {
            throw invalid("the host is missing or has characters a host cannot have")
        }
        guard let portText else { return (host, 5060) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw invalid("the port must be a number from 1 to 65535")
        }
        return (host, port)
    }
}
