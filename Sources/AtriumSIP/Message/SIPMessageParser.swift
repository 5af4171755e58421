/// Why a message was refused; the transport logs it once and drops the message.
struct SIPParseError: Error, Equatable, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

extension SIPMessage {
    /// The largest message accepted, headers and body together: a bound on what a peer can make us buffer.
    static let maximumSize = 64 * 1024

    /// Parses one whole message (a UDP datagram, or a TCP frame cut by `SIPStreamFramer`).
    ///
    /// Accepts folded header lines (RFC 3261 §7.3.1), compact header names and a bare LF line end;
    /// the body is Content-Length bytes when given, else the rest of the datagram.
    init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumSize else { throw SIPParseError(reason: "larger than 64 KiB") }
        guard let headEnd = Self.endOfHead(bytes) else { throw SIPParseError(reason: "no blank line after headers") }
        guard let head = String(validating: bytes[..<headEnd.head], as: UTF8.self) else {
            throw SIPParseError(reason: "headers are not UTF-8")
        }
        var lines = Self.unfoldedLines(head)
        guard !lines.isEmpty else { throw SIPParseError(reason: "empty message") }
        let startLine = try Self.parseStartLine(lines.removeFirst())
        var headers: [SIPHeader] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw SIPParseError(reason: "header line without a colon")
            }
            let name = line[..<colon].trimmingSIPWhitespace()
            guard !name.isEmpty, !name.contains(" ") else { throw SIPParseError(reason: "bad header name") }
            headers.append(SIPHeader(name, line[line.index(after: colon)...].trimmingSIPWhitespace()))
        }
        var message = SIPMessage(startLine, headers: headers)
        let available = bytes.count - headEnd.body
        var bodyLength = available
        if let lengthText = message["Content-Length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw SIPParseError(reason: "Content-Length is not a number")
            }
            guard length <= available else { throw SIPParseError(reason: "body shorter than Content-Length") }
            bodyLength = length
        }
        guard let body = String(validating: bytes[headEnd.body..<(headEnd.body + bodyLength)], as: UTF8.self)
        else { throw SIPParseError(reason: "body is not UTF-8") }
        message.body = body
        guard message.callId != nil, message.cseq != nil, message.topVia != nil,
            message["From"] != nil, message["To"] != nil
        else { throw SIPParseError(reason: "a mandatory header (Via, From, To, Call-ID, CSeq) is missing or bad") }
        self = message
    }

    /// Where the head ends (before the blank line) and the body starts, for CRLF or bare LF line ends.
    static func endOfHead(_ bytes: [UInt8]) -> (head: Int, body: Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    return (index, index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    private static func unfoldedLines(_ head: String) -> [String] {
        var lines: [String] = []
        // "\r\n" is one Character in Swift: split on newlines, whichever kind.
        for rawLine in head.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingSIPWhitespace()
            } else if !line.isEmpty {
                lines.append(line)
            }
        }
        return lines
    }

    private static func parseStartLine(_ line: String) throws -> StartLine {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2 else { throw SIPParseError(reason: "bad start line") }
        if parts[0] == "SIP/2.0" {
            guard let status = Int(parts[1]), (100...699).contains(status) else {
                throw SIPParseError(reason: "bad status code")
            }
            return .response(status: status, reason: parts.count == 3 ? parts[2] : "")
        }
        guard parts.count == 3, parts[2] == "SIP/2.0",
            parts[0].allSatisfy({ $0.isLetter && $0.isASCII && $0.isUppercase })
        else { throw SIPParseError(reason: "bad request line") }
        return .request(method: parts[0], uri: parts[1])
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends (SIP's linear whitespace once unfolded).
    func trimmingSIPWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
