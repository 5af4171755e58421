import Foundation

/// Reading the parts of header values: lists, parameters, quoted strings.
enum SIPHeaderValue {
    /// Splits a comma-separated header value (Via, Route, Record-Route, Contact) into its elements, leaving
    /// commas inside quotes and angle brackets alone.
    static func splitList(_ value: String) -> [String] {
        var elements: [String] = []
        var current = ""
        var inQuotes = false
        var inBrackets = false
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if !inQuotes && character == "<" {
                inBrackets = true
            } else if !inQuotes && character == ">" {
                inBrackets = false
            } else if character == "," && !inQuotes && !inBrackets {
                elements.append(current.trimmingSIPWhitespace())
                current = ""
                continue
            }
            current.append(character)
        }
        let last = current.trimmingSIPWhitespace()
        if !last.isEmpty { elements.append(last) }
        return elements
    }

    /// `;name=value;flag` parameters into a dictionary with lower-cased names (a flag maps to "").
    static func parameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for parameter in text.split(separator: ";") {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard let name = pair.first?.trimmingSIPWhitespace().lowercased(), !name.isEmpty else { continue }
            result[name] = pair.count == 2 ? unquoted(pair[1].trimmingSIPWhitespace()) : ""
        }
        return result
    }

    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A From, To, Contact, Route or Record-Route value: `"Name" <uri>;param=value` or a bare `uri;param`.
struct SIPNameAddress: Sendable, Equatable {
    var uri: String
    /// Header parameters (outside the angle brackets), e.g. `tag`.
    var parameters: [String: String]

    init?(parsing text: String) {
        if let open = text.firstIndex(of: "<") {
            guard let close = text[open...].firstIndex(of: ">") else { return nil }
            uri = String(text[text.index(after: open)..<close]).trimmingSIPWhitespace()
            parameters = SIPHeaderValue.parameters(text[text.index(after: close)...])
        } else {
            // Without brackets, parameters after the URI are header parameters (RFC 3261 §20.10).
            let parts = text.trimmingSIPWhitespace().split(separator: ";", maxSplits: 1)
            guard let first = parts.first else { return nil }
            uri = String(first)
            parameters = parts.count == 2 ? SIPHeaderValue.parameters(parts[1]) : [:]
        }
        guard !uri.isEmpty else { return nil }
    }

    var tag: String? { parameters["tag"] }
}

/// A Via value: `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport`.
struct SIPVia: Sendable, Equatable {
    var transport: String
    var host: String
    var port: Int?
    var parameters: [String: String]

    init?(parsing text: String) {
        let parts = text.split(separator: ";", maxSplits: 1)
        guard let protocolAndSentBy = parts.first else { return nil }
        let words = protocolAndSentBy.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else { return nil }
        let protocolParts = words[0].split(separator: "/")
        guard protocolParts.count == 3, protocolParts[0].uppercased() == "SIP" else { return nil }
        transport = protocolParts[2].uppercased()
        guard let sentBy = SIPURI.hostPort(String(words[1])) else { return nil }
        host = sentBy.host
        port = sentBy.port
        parameters = parts.count == 2 ? SIPHeaderValue.parameters(parts[1]) : [:]
    }

    var branch: String? { parameters["branch"] }
}

/// The few things read from or written into SIP URIs.
enum SIPURI {
    /// `sip:user@host:port;params` → host and port (nil when absent).
    static func hostPort(ofURI uri: String) -> (host: String, port: Int?, parameters: [String: String])? {
        var rest = Substring(uri)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].lowercased().hasPrefix("sip") {
            rest = rest[rest.index(after: colon)...]
        }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        let parts = rest.split(separator: ";", maxSplits: 1)
        guard let first = parts.first, let hostPort = hostPort(String(first)) else { return nil }
        let parameters = parts.count == 2 ? SIPHeaderValue.parameters(parts[1]) : [:]
        return (hostPort.host, hostPort.port, parameters)
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`.
    static func hostPort(_ text: String) -> (host: String, port: Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":")
        guard parts.count == 1 || parts.count == 2, let host = parts.first, !host.isEmpty else { return nil }
        if parts.count == 1 { return (String(host), nil) }
        guard let port = Int(parts[1]) else { return nil }
        return (String(host), port)
    }

    /// An IPv6 literal in brackets, anything else as it is.
    static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}
