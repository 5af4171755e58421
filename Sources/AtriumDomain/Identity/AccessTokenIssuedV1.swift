import Foundation

/// `AccessTokenIssued` as schema version 1 wrote it, before the lifetime was recorded: kept only to
/// read those events, which stay in the log as they were written.
struct AccessTokenIssuedV1: Decodable {
    var tokenId: UUID
    var scopes: [TokenScope]
    var issuedAt: Date
    var expiresOn: Date

    /// The lifetime a version 1 event leaves out follows from its two instants.
    func upcast() -> AccessTokenIssued {
        AccessTokenIssued(
            AccessTokenGrant(tokenId: tokenId, scopes: scopes, issuedAt: issuedAt, expiresOn: expiresOn))
    }
}
