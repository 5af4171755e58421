import Foundation
import Testing

@testable import AtriumDomain

@Suite("Identities and their access tokens")
struct IdentityDeciderTests {
    typealias F = IdentityFixtures

    @Test("creating an identity records it, with nothing else")
    func create() {
        #expect(when(F.create(), IdentityDecider.initialState) == then(F.created))
        let identity = given(F.created)
        #expect(identity.isActive && identity.id == F.user && identity.createdAt == F.now)
        #expect(identity.lastIssuedToken == nil && identity.tokensRevokedAt == nil)
    }

    @Test("creating with scopes records the first token too, valid for 1440 minutes by default")
    func createWithToken() {
        #expect(
            when(F.create(scopes: ["chat", "voip"]), IdentityDecider.initialState)
                == then(F.created, F.issued([.chat, .voip])))
        #expect(
            when(F.create(scopes: ["voip.join"], minutes: 60), IdentityDecider.initialState)
                == then(F.created, F.issued([.voipJoin], minutes: 60)))
        let identity = given(F.created, F.issued([.chat]))
        #expect(identity.lastIssuedToken?.expiresOn == F.now.addingTimeInterval(86_400))
    }

    @Test("an id is created once")
    func createTwice() {
        #expect(
            when(F.create(), given(F.created))
                == refused(DomainError(.conflict, "An identity with this id already exists.", target: "id")))
    }

    @Test("a bad token request on create creates no identity either")
    func createWithBadToken() {
        #expect(
            when(F.create(scopes: ["chat", "admin"]), IdentityDecider.initialState)
                == refused(
                    .badArgument(
                        "Invalid scope 'admin'. Valid scopes are chat, voip, chat.join, chat.join.limited, voip.join.",
                        target: "scopes")))
        #expect(
            when(F.create(scopes: []), IdentityDecider.initialState)
                == refused(.badArgument("At least one scope is required.", target: "scopes")))
        #expect(
            when(F.create(scopes: ["chat"], minutes: 59), IdentityDecider.initialState).isRefused(
                target: "expiresInMinutes"))
    }

    @Test("every ACS scope can be issued; repeats collapse, order is kept")
    func scopes() {
        let all = TokenScope.allCases.map(\.rawValue)
        #expect(all == ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"])
        #expect(when(F.issue(all), given(F.created)) == then(F.issued(TokenScope.allCases)))
        #expect(when(F.issue(["voip", "chat", "voip"]), given(F.created)) == then(F.issued([.voip, .chat])))
    }

    @Test("scopes must be a non-empty list of known names (case matters)")
    func badScopes() {
        #expect(when(F.issue([]), given(F.created)).isRefused(target: "scopes"))
        #expect(when(F.issue(["Chat"]), given(F.created)).isRefused(target: "scopes"))
        #expect(when(F.issue(["chat", ""]), given(F.created)).isRefused(target: "scopes"))
    }

    @Test("a token lives 60 to 1440 minutes; outside is refused")
    func lifetime() {
        for minutes in [60, 61, 720, 1439, 1440] {
            #expect(
                when(F.issue(["chat"], minutes: minutes), given(F.created)) == then(F.issued([.chat], minutes: minutes))
            )
        }
        for minutes in [Int.min, -1, 0, 1, 59, 1441, 10_000, Int.max] {
            #expect(
                when(F.issue(["chat"], minutes: minutes), given(F.created))
                    == refused(
                        .badArgument(
                            "The token lifetime (expiresInMinutes) must be between 60 and 1440 minutes; got \(minutes).",
                            target: "expiresInMinutes")))
        }
    }

    @Test("issuing remembers the latest token; revoking records the instant")
    func issueAndRevoke() {
        let later = F.now.addingTimeInterval(5)
        #expect(
            when(
                IdentityCommand.revokeAccessTokens(RevokeAccessTokens(now: later)), given(F.created, F.issued([.chat])))
                == then(.accessTokensRevoked(AccessTokensRevoked(revokedAt: later))))
        let identity = given(F.created, F.issued([.chat]), .accessTokensRevoked(AccessTokensRevoked(revokedAt: later)))
        #expect(identity.tokensRevokedAt == later && identity.isActive)
        // Revoking does not end the identity: new tokens may follow.
        #expect(when(F.issue(["voip"], at: later), given(F.created)) == then(F.issued([.voip], at: later)))
    }

    @Test("deleting records it and revokes every token at that instant")
    func delete() {
        let later = F.now.addingTimeInterval(60)
        let deleted = IdentityEvent.deleted(IdentityDeleted(deletedAt: later))
        #expect(when(IdentityCommand.delete(DeleteIdentity(now: later)), given(F.created)) == then(deleted))
        let identity = given(F.created, F.issued([.chat]), deleted)
        #expect(identity.lifecycle == .deleted && !identity.isActive && identity.tokensRevokedAt == later)
    }

    @Test("an unknown or deleted identity is not found, whatever is asked of it")
    func notFound() {
        let deleted = IdentityEvent.deleted(IdentityDeleted(deletedAt: F.now))
        for state in [IdentityDecider.initialState, given(F.created, deleted)] {
            #expect(when(F.issue(["chat"]), state) == refused(F.notFound))
            #expect(
                when(IdentityCommand.revokeAccessTokens(RevokeAccessTokens(now: F.now)), state) == refused(F.notFound))
            #expect(when(IdentityCommand.delete(DeleteIdentity(now: F.now)), state) == refused(F.notFound))
        }
        // A deleted id stays taken.
        #expect(when(F.create(), given(F.created, deleted)).isRefused(target: "id"))
    }

    @Test("ids are 8:acs:<resource>_<unique>, and their stream is identity-<rawId>")
    func ids() throws {
        #expect(F.user.rawId == "8:acs:6f0e3c2a-1b4d-4e5f-8a9b-0c1d2e3f4a5b_00000000-0000-4000-8000-000000000001")
        #expect(StreamName(streamId: F.user.streamId) == StreamName(.identity, id: F.user.rawId))
        #expect(F.user.skypeId == "acs:6f0e3c2a-1b4d-4e5f-8a9b-0c1d2e3f4a5b_00000000-0000-4000-8000-000000000001")
        #expect(try CommunicationUserId(skypeId: F.user.skypeId) == F.user)
        #expect(try CommunicationUserId(validating: "8:acs:other_resource-user").rawId == "8:acs:other_resource-user")
        for bad in ["", "8:acs:", "8:acs:nounderscore", "4:+14255550123", "8:orgid:abc", "acs:r_u", "8:acs:r_u x"] {
            #expect(throws: DomainError.self) { try CommunicationUserId(validating: bad) }
        }
    }

    @Test("identity events survive a trip through the log's JSON unchanged")
    func codec() throws {
        let events: [IdentityEvent] = [
            F.created, F.issued([.chat, .chatJoinLimited], minutes: 90),
            .accessTokensRevoked(AccessTokensRevoked(revokedAt: F.now.addingTimeInterval(0.123456))),
            .deleted(IdentityDeleted(deletedAt: F.now)),
        ]
        for event in events {
            let decoded = try IdentityEvent(
                eventType: event.eventType, schemaVersion: event.schemaVersion, data: try event.encodedData())
            #expect(decoded == event)
        }
        #expect(
            events.map(\.eventType) == [
                "IdentityCreated", "AccessTokenIssued", "AccessTokensRevoked", "IdentityDeleted",
            ])
        let issued = String(decoding: try events[1].encodedData(), as: UTF8.self)
        #expect(issued.contains(#""scopes":["chat","chat.join.limited"]"#))
        #expect(!issued.lowercased().contains("token\":"), "the token string itself is never logged")
    }
}

extension Result where Failure == DomainError {
    /// Refused as a bad request naming this field.
    func isRefused(target: String) -> Bool {
        guard case .failure(let error) = self else { return false }
        return error.target == target && (error.code == .badRequest || error.code == .conflict)
    }
}
