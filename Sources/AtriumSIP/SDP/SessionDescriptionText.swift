/// An SDP text this module cannot read, with the reason.
public struct SessionDescriptionError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "invalid SDP: \(reason)" }
}

extension SessionDescription {
    /// Reads an SDP text; tolerant of bare LF line ends and of trailing whitespace.
    public static func parse(_ text: String) throws -> SessionDescription {
        func invalid(_ reason: String) -> SessionDescriptionError { SessionDescriptionError(reason: reason) }
        var origin: Origin?
        var sessionName = "-"
        var connection: String?
        var timing = "0 0"
        var attributes: [String] = []
        var otherLines: [String] = []
        var media: [Media] = []
        var sawVersion = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingSIPWhitespace()
            if line.isEmpty { continue }
            let characters = Array(line)
            guard characters.count >= 2, characters[1] == "=" else { throw invalid("line \"\(line)\" is not x=...") }
            let value = String(line.dropFirst(2))
            switch (characters[0], media.isEmpty) {
            case ("m", _): media.append(try parseMedia(value, invalid))
            case ("v", true):
                guard value == "0" else { throw invalid("version must be 0") }
                sawVersion = true
            case ("o", true): origin = try parseOrigin(value, invalid)
            case ("s", true): sessionName = value
            case ("c", true): connection = try parseConnection(value, invalid)
            case ("t", true): timing = value
            case ("a", true): attributes.append(value)
            case (_, true): otherLines.append(line)
            case ("c", false): media[media.count - 1].connectionAddress = try parseConnection(value, invalid)
            case ("a", false): media[media.count - 1].attributes.append(value)
            case (_, false): media[media.count - 1].otherLines.append(line)
            }
        }
        guard sawVersion else { throw invalid("no v=0 line") }
        guard let origin else { throw invalid("no o= line") }
        return SessionDescription(
            origin: origin, sessionName: sessionName, connectionAddress: connection, timing: timing,
            attributes: attributes, otherLines: otherLines, media: media)
    }

    /// The description on the wire, CRLF line ends.
    public var text: String {
        var lines = [
            "v=0",
            "o=\(origin.username) \(origin.sessionId) \(origin.sessionVersion) IN \(Self.addressType(origin.address)) "
                + origin.address,
            "s=\(sessionName)",
        ]
        if let connectionAddress {
            lines.append("c=IN \(Self.addressType(connectionAddress)) \(connectionAddress)")
        }
        lines.append("t=\(timing)")
        lines += otherLines
        lines += attributes.map { "a=\($0)" }
        for section in media {
            lines.append("m=\(section.kind) \(section.port) \(section.proto) \(section.formats.joined(separator: " "))")
            if let address = section.connectionAddress {
                lines.append("c=IN \(Self.addressType(address)) \(address)")
            }
            lines += section.otherLines
            lines += section.attributes.map { "a=\($0)" }
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    private static func addressType(_ address: String) -> String {
        address.contains(":") ? "IP6" : "IP4"
    }

    private static func parseOrigin(
        _ value: String, _ invalid: (String) -> SessionDescriptionError
    ) throws -> Origin {
        let fields = value.split(separator: " ").map(String.init)
        guard fields.count == 6, let id = UInt64(fields[1]), let version = UInt64(fields[2]) else {
            throw invalid("o= must be: username id version IN IP4|IP6 address")
        }
        return Origin(username: fields[0], sessionId: id, sessionVersion: version, address: fields[5])
    }

    private static func parseConnection(
        _ value: String, _ invalid: (String) -> SessionDescriptionError
    ) throws -> String {
        let fields = value.split(separator: " ")
        guard fields.count == 3, fields[0] == "IN", fields[1] == "IP4" || fields[1] == "IP6" else {
            throw invalid("c= must be: IN IP4|IP6 address")
        }
        // A multicast TTL suffix ("/127") is not an address part.
        return String(fields[2].split(separator: "/").first ?? fields[2])
    }

    private static func parseMedia(_ value: String, _ invalid: (String) -> SessionDescriptionError) throws -> Media {
        let fields = value.split(separator: " ").map(String.init)
        // A port may carry a count ("49170/2"): the first port is the one used.
        guard fields.count >= 4, let port = fields[1].split(separator: "/").first.flatMap({ Int($0) }),
            (0...65535).contains(port)
        else { throw invalid("m= must be: media port proto formats…") }
        return Media(kind: fields[0], port: port, proto: fields[2], formats: Array(fields[3...]))
    }
}
