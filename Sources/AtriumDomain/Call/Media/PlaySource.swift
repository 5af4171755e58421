import Foundation

/// What a play operation plays: an audio file, text to speak, or SSML to speak.
public enum PlaySource: Equatable, Sendable {
    case file(uri: String)
    case text(text: String, voiceName: String?)
    case ssml(ssml: String)

    /// How long it plays, simulated honestly and documented (no media is fetched or synthesised):
    /// - a file plays for the seconds its URI names in a `duration` query item or a `-<n>s` name
    ///   suffix (`prompt-3s.wav`), else for `defaultFileDuration`;
    /// - text is spoken at 15 characters a second (about 150 words a minute), at least one second;
    /// - SSML as its text (the markup left out), plus its `<break time="…">` pauses.
    public var duration: Duration {
        switch self {
        case .file(let uri): Self.declaredDuration(of: uri) ?? Self.defaultFileDuration
        case .text(let text, _): Self.spoken(text)
        case .ssml(let ssml): Self.spoken(Self.textOf(ssml)) + Self.breaks(in: ssml)
        }
    }

    public static let defaultFileDuration = Duration.seconds(2)

    private static func spoken(_ text: String) -> Duration {
        .milliseconds(max(1_000, text.count * 1_000 / charactersPerSecond))
    }

    /// SSML's words: everything outside its tags.
    private static func textOf(_ ssml: String) -> String {
        var text = ""
        var inTag = false
        for character in ssml {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                text.append(character)
            }
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pauses SSML asks for: `<break time="800ms"/>`, `<break time="2s"/>` (at most 10 s each).
    private static func breaks(in ssml: String) -> Duration {
        var total = Duration.zero
        var rest = Substring(ssml)
        while let range = rest.range(of: "time=\"") {
            rest = rest[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let value = rest[..<end].lowercased()
            if value.hasSuffix("ms"), let ms = Double(value.dropLast(2)) {
                total += .milliseconds(Int64(min(ms, 10_000)))
            } else if value.hasSuffix("s"), let seconds = Double(value.dropLast()) {
                total += .milliseconds(Int64(min(seconds, 10) * 1_000))
            }
        }
        return total
    }
    static let charactersPerSecond = 15

    private static func declaredDuration(of uri: String) -> Duration? {
        guard let components = URLComponents(string: uri) else { return nil }
        if let value = components.queryItems?.first(where: { $0.name == "duration" })?.value,
            let seconds = Double(value), seconds >= 0, seconds <= 3_600
        {
            return .milliseconds(Int64(seconds * 1_000))
        }
        let name = components.path.split(separator: "/").last.map(String.init) ?? ""
        let stem = name.split(separator: ".").first.map(String.init) ?? name
        guard let dash = stem.lastIndex(of: "-"), stem.hasSuffix("s") else { return nil }
        let digits = stem[stem.index(after: dash)..<stem.index(before: stem.endIndex)]
        guard let seconds = Int(digits), (0...3_600).contains(seconds) else { return nil }
        return .seconds(seconds)
    }
}

extension PlaySource: Codable {
    private enum CodingKeys: String, CodingKey { case kind, uri, text, voiceName, ssml }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "file": self = .file(uri: try container.decode(String.self, forKey: .uri))
        case "text":
            self = .text(
                text: try container.decode(String.self, forKey: .text),
                voiceName: try container.decodeIfPresent(String.self, forKey: .voiceName))
        case "ssml": self = .ssml(ssml: try container.decode(String.self, forKey: .ssml))
        case let kind:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "Unknown play source kind \(kind)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .file(let uri):
            try container.encode("file", forKey: .kind)
            try container.encode(uri, forKey: .uri)
        case .text(let text, let voiceName):
            try container.encode("text", forKey: .kind)
            try container.encode(text, forKey: .text)
            try container.encodeIfPresent(voiceName, forKey: .voiceName)
        case .ssml(let ssml):
            try container.encode("ssml", forKey: .kind)
            try container.encode(ssml, forKey: .ssml)
        }
    }
}
