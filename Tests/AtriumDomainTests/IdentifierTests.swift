import AtriumDomain
import Testing

@Suite("Communication identifiers")
struct IdentifierTests {
    @Test(
        "each raw id kind ACS issues is recognised",
        arguments: [
            (
                "8:acs:b6aada1f-0b1d-47ac-866f-91aae00a1d01_00000025-aaaa-bbbb-cccc-000000000001",
                CommunicationIdentifier.Kind.communicationUser
            ),
            ("8:acs:resource_alice", .communicationUser),
            ("8:dod-acs:resource_alice", .communicationUser),
            ("8:gcch-acs:resource_alice", .communicationUser),
            ("8:spool:resource_alice", .communicationUser),
            ("8:orgid:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c", .microsoftTeamsUser),
            ("8:dod:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c", .microsoftTeamsUser),
            ("8:gcch:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c", .microsoftTeamsUser),
            ("8:teamsvisitor:2d4f6a8c1b3e4f5a8b7c9d0e1f2a3b4c", .teamsVisitor),
            ("28:orgid:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c", .microsoftTeamsApp),
            ("4:+14255550123", .phoneNumber),
            ("4:+1", .phoneNumber),
            ("4:+123456789012345", .phoneNumber),
        ])
    func recognised(rawId: String, kind: CommunicationIdentifier.Kind) throws {
        let identifier = try #require(CommunicationIdentifier(rawId: rawId))
        #expect(identifier.kind == kind)
        #expect(identifier.rawId == rawId)
        #expect(identifier.description == rawId)
    }

    @Test(
        "anything else is not an identifier",
        arguments: [
            "",
            "not-an-id",
            "8:acs:",
            "8:acs:nounderscore",
            "8:acs:_unique",
            "8:acs:resource_",
            "8:dod-acs:",
            "8:spool:nounderscore",
            "8:orgid:",
            "8:teamsvisitor:",
            "28:orgid:",
            "9:acs:resource_alice",
            "acs:resource_alice",
            "4:12345",
            "4:+",
            "4:+0123",
            "4:+1234567890123456",
            "4:+1425555O123",
            "4:+١٢٣",
            "8:acs:resource_al ice",
            " 8:acs:resource_alice",
            "8:acs:resource_alice ",
            "8:acs:resource_alice\n",
            "8:acs:resource_\talice",
            "4:+1 4255550123",
            "8:acs:resource_alicé",
            "8:acs:resource_alice/..",
        ])
    func rejected(rawId: String) {
        #expect(CommunicationIdentifier(rawId: rawId) == nil)
    }

    @Test("a raw id is at most 512 characters long")
    func lengthLimit() {
        let prefix = "8:acs:resource_"
        let longest = prefix + String(repeating: "a", count: 512 - prefix.count)
        #expect(CommunicationIdentifier(rawId: longest)?.kind == .communicationUser)
        #expect(CommunicationIdentifier(rawId: longest + "a") == nil)
    }

    @Test("identifiers are equal when their raw ids are, and raw ids are case-sensitive")
    func equality() {
        #expect(
            CommunicationIdentifier(rawId: "8:acs:resource_alice")
                == CommunicationIdentifier(rawId: "8:acs:resource_alice"))
        #expect(
            CommunicationIdentifier(rawId: "8:acs:resource_alice")
                != CommunicationIdentifier(rawId: "8:acs:resource_Alice"))
    }
}
