/// Cuts a TCP byte stream into whole SIP messages by Content-Length (RFC 3261 §18.3).
///
/// It holds at most one message's worth of bytes: a head without its blank line past 64 KiB, or a
/// Content-Length past it, is an error the connection closes on, never an unbounded buffer.
struct SIPStreamFramer {
    private var buffer: [UInt8] = []

    mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message's bytes, nil when more are needed.
    mutating func nextFrame() throws -> [UInt8]? {
        // CRLFs between messages are keep-alives (RFC 5626 §3.5.1): skip them.
        let leading = buffer.prefix { $0 == 0x0D || $0 == 0x0A }.count
        if leading > 0 { buffer.removeFirst(leading) }
        guard let end = SIPMessage.endOfHead(buffer) else {
            if buffer.count > SIPMessage.maximumSize { throw SIPParseError(reason: "head larger than 64 KiB") }
            return nil
        }
        let length = try Self.contentLength(in: buffer[..<end.head])
        let total = end.body + length
        guard total <= SIPMessage.maximumSize else { throw SIPParseError(reason: "message larger than 64 KiB") }
        guard buffer.count >= total else { return nil }
        let frame = Array(buffer[..<total])
        buffer.removeFirst(total)
        return frame
    }

    private static func contentLength(in head: ArraySlice<UInt8>) throws -> Int {
        for line in head.split(separator: 0x0A) {
            guard let text = String(validating: line, as: UTF8.self), let colon = text.firstIndex(of: ":") else {
                continue
            }
            let name = SIPHeader.canonicalName(text[..<colon].trimmingSIPWhitespace())
            guard name == "content-length" else { continue }
            let value = text[text.index(after: colon)...].trimmingSIPWhitespace()
            guard let length = Int(value), length >= 0 else {
                throw SIPParseError(reason: "Content-Length is not a number")
            }
            return length
        }
        // Over a stream Content-Length is mandatory; without it the message is taken to have no body.
        return 0
    }
}
