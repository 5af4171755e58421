/// A SIP request or response (RFC 3261 §7): a start line, ordered header fields and a body.
///
/// Header names keep the spelling they were given; lookups are case-insensitive and know the compact
/// forms (`v` for Via, `i` for Call-ID…). Values are kept as text and read through `SIPHeaderValue` helpers.
struct SIPMessage: Sendable, Equatable {
    enum StartLine: Sendable, Equatable {
        case request(method: String, uri: String)
        case response(status: Int, reason: String)
    }

    var startLine: StartLine
    var headers: [SIPHeader]
    var body: String

    init(_ startLine: StartLine, headers: [SIPHeader] = [], body: String = "") {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    var method: String? {
        if case .request(let method, _) = startLine { return method }
        return nil
    }

    var requestURI: String? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    var status: Int? {
        if case .response(let status, _) = startLine { return status }
        return nil
    }

    var reason: String {
        if case .response(_, let reason) = startLine { return reason }
        return ""
    }

    /// The first value of a header, by full or compact name, case-insensitively.
    subscript(name: String) -> String? {
        let wanted = SIPHeader.canonicalName(name)
        return headers.first { $0.canonicalName == wanted }?.value
    }

    /// Every value of a header in order, comma-separated values split apart (for Via, Route, Record-Route…).
    func values(_ name: String) -> [String] {
        let wanted = SIPHeader.canonicalName(name)
        return headers.filter { $0.canonicalName == wanted }.flatMap { SIPHeaderValue.splitList($0.value) }
    }

    mutating func set(_ name: String, _ value: String) {
        remove(name)
        headers.append(SIPHeader(name, value))
    }

    mutating func add(_ name: String, _ value: String) {
        headers.append(SIPHeader(name, value))
    }

    mutating func remove(_ name: String) {
        let wanted = SIPHeader.canonicalName(name)
        headers.removeAll { $0.canonicalName == wanted }
    }

    /// Call-ID, the CSeq number and method, and the top Via's branch: what every message must carry.
    var callId: String? { self["Call-ID"] }
    var cseq: SIPCSeq? { self["CSeq"].flatMap(SIPCSeq.init(parsing:)) }
    var topVia: SIPVia? { values("Via").first.flatMap(SIPVia.init(parsing:)) }
}

/// One header field as it appeared (or will appear) on the wire.
struct SIPHeader: Sendable, Equatable {
    var name: String
    var value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    var canonicalName: String { Self.canonicalName(name) }

    /// The lower-cased full name of a header, compact forms (RFC 3261 §7.3.3) expanded.
    static func canonicalName(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }

    private static let compactForms: [String: String] = [
        "v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
        "c": "content-type", "k": "supported", "e": "content-encoding", "s": "subject",
    ]
}

/// The CSeq header: a sequence number and the method it numbers.
struct SIPCSeq: Sendable, Equatable, CustomStringConvertible {
    var number: UInt32
    var method: String

    init(_ number: UInt32, _ method: String) {
        self.number = number
        self.method = method
    }

    init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let number = UInt32(parts[0]) else { return nil }
        self.init(number, String(parts[1]))
    }

    var description: String { "\(number) \(method)" }
}
