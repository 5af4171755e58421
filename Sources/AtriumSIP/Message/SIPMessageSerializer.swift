extension SIPMessage {
    /// The message as it goes on the wire: CRLF line ends, Content-Length always set from the body's UTF-8
    /// length (whatever the headers said), so framing over TCP is right by construction.
    var serialized: String {
        var text: String
        switch startLine {
        case .request(let method, let uri): text = "\(method) \(uri) SIP/2.0\r\n"
        case .response(let status, let reason): text = "SIP/2.0 \(status) \(reason)\r\n"
        }
        for header in headers where header.canonicalName != "content-length" {
            text += "\(header.name): \(header.value)\r\n"
        }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n"
        text += body
        return text
    }
}
