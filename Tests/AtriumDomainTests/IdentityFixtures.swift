import Foundation

@testable import AtriumDomain

/// Fixed values, so that expected events can be written out in full.
enum IdentityFixtures {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let resource = UUID(uuidString: "6F0E3C2A-1B4D-4E5F-8A9B-0C1D2E3F4A5B")!
    static let user = CommunicationUserId.new(
        resourceId: resource, unique: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!)
    static let tokenId = UUID(uuidString: "00000000-0000-4000-8000-0000000000AA")!

    static var created: IdentityEvent { .created(IdentityCreated(rawId: user.rawId, createdAt: now)) }

    static func issued(_ scopes: [TokenScope], minutes: Int = 1440, at instant: Date = now) -> IdentityEvent {
        .accessTokenIssued(
            AccessTokenIssued(
                AccessTokenGrant(
                    tokenId: tokenId, scopes: scopes, issuedAt: instant,
                    expiresOn: instant.addingTimeInterval(Double(minutes) * 60))))
    }

    static func create(scopes: [String]? = nil, minutes: Int? = nil) -> IdentityCommand {
        .create(
            CreateIdentity(
                id: user, now: now,
                token: scopes.map { TokenRequest(scopes: $0, expiresInMinutes: minutes, tokenId: tokenId) }))
    }

    static func issue(_ scopes: [String], minutes: Int? = nil, at instant: Date = now) -> IdentityCommand {
        .issueAccessToken(
            IssueAccessToken(
                now: instant, token: TokenRequest(scopes: scopes, expiresInMinutes: minutes, tokenId: tokenId)))
    }

    static let notFound = DomainError(.notFound, "Identity not found.", target: "id")
}
