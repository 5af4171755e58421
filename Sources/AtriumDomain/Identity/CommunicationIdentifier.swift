/// A participant as ACS names it on the wire: a raw id whose prefix tells its kind.
public struct CommunicationIdentifier: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case communicationUser
        case phoneNumber
        case microsoftTeamsUser
        case microsoftTeamsApp
        case teamsVisitor
    }

    public let rawId: String
    public let kind: Kind

    public var description: String { rawId }

    /// Parses a raw id, accepting the kinds ACS issues; anything else is not an identifier.
    public init?(rawId: String) {
        guard let kind = Self.kind(of: rawId) else { return nil }
        self.rawId = rawId
        self.kind = kind
    }

    /// `8:acs:` style prefixes of communication users, and the resource-scoped form they take.
    private static let userPrefixes = ["8:acs:", "8:dod-acs:", "8:gcch-acs:", "8:spool:"]
    private static let teamsPrefixes = ["8:orgid:", "8:dod:", "8:gcch:", "8:teamsvisitor:"]
    private static let appPrefixes = ["28:orgid:", "28:dod:", "28:gcch:", "28:"]

    private static func kind(of rawId: String) -> Kind? {
        guard rawId.count <= 512, !rawId.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        if rawId.hasPrefix("4:") {
            return isPhoneNumber(String(rawId.dropFirst(2))) ? .phoneNumber : nil
        }
        if let prefix = userPrefixes.first(where: rawId.hasPrefix) {
            // Communication users are `<resource>_<unique>`; both halves must be there.
            let rest = rawId.dropFirst(prefix.count)
            guard let underscore = rest.firstIndex(of: "_"),
                rest.startIndex < underscore, rest.index(after: underscore) < rest.endIndex,
                rest.allSatisfy(isIdentifierCharacter)
            else { return nil }
            return .communicationUser
        }
        if let prefix = teamsPrefixes.first(where: rawId.hasPrefix) {
            let rest = rawId.dropFirst(prefix.count)
            guard !rest.isEmpty, rest.allSatisfy(isIdentifierCharacter) else { return nil }
            return prefix == "8:teamsvisitor:" ? .teamsVisitor : .microsoftTeamsUser
        }
        if let prefix = appPrefixes.first(where: rawId.hasPrefix) {
            let rest = rawId.dropFirst(prefix.count)
            guard !rest.isEmpty, rest.allSatisfy(isIdentifierCharacter) else { return nil }
            return .microsoftTeamsApp
        }
        return nil
    }

    /// E.164: a plus and 1 to 15 digits, the first not zero.
    public static func isPhoneNumber(_ value: String) -> Bool {
        guard value.hasPrefix("+") else { return false }
        let digits = value.dropFirst()
        return (1...15).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit) && digits.first != "0"
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.:".contains(character))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
