extension SIPMessage {
    /// A response to a request (RFC 3261 §8.2.6): its Via list, From, Call-ID and CSeq copied, To copied with
    /// our tag added when the request's To had none.
    static func response(
        to request: SIPMessage, status: Int, reason: String, toTag: String?, headers: [SIPHeader] = [],
        body: String = ""
    ) -> SIPMessage {
        var response = SIPMessage(.response(status: status, reason: reason))
        for header in request.headers where header.canonicalName == "via" {
            response.add("Via", header.value)
        }
        if let from = request["From"] { response.add("From", from) }
        if var to = request["To"] {
            if let toTag, SIPNameAddress(parsing: to)?.tag == nil { to += ";tag=\(toTag)" }
            response.add("To", to)
        }
        if let callId = request.callId { response.add("Call-ID", callId) }
        if let cseq = request["CSeq"] { response.add("CSeq", cseq) }
        response.headers += headers
        response.body = body
        return response
    }
}
