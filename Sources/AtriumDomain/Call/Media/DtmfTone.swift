/// A key of the telephone keypad, named as ACS names it on the wire.
public enum DtmfTone: String, Codable, CaseIterable, Sendable {
    case zero, one, two, three, four, five, six, seven, eight, nine
    case a, b, c, d
    case pound, asterisk

    /// The key's character: `0`–`9`, `A`–`D`, `#`, `*`.
    public var character: Character {
        switch self {
        case .zero: "0"
        case .one: "1"
        case .two: "2"
        case .three: "3"
        case .four: "4"
        case .five: "5"
        case .six: "6"
        case .seven: "7"
        case .eight: "8"
        case .nine: "9"
        case .a: "A"
        case .b: "B"
        case .c: "C"
        case .d: "D"
        case .pound: "#"
        case .asterisk: "*"
        }
    }

    /// Parses a wire name case-insensitively (the SDK sends lower case; the spec shows both).
    public init?(wireName: String) {
        self.init(rawValue: wireName.lowercased())
    }

    public init?(character: Character) {
        guard let tone = Self.allCases.first(where: { $0.character == Character(character.uppercased()) }) else {
            return nil
        }
        self = tone
    }
}
