import AtriumDomain
import Foundation
import JWTKit

/// The payload of a user access token, with ACS's claim names where ACS has them.
///
/// - `skypeid`: the user's id without its `8:` kind prefix (`acs:<resourceId>_<unique>`), as ACS writes it.
/// - `acsScope`: the scopes, comma-separated (`chat,voip`), as ACS writes them.
/// - `resourceId`: the server's resource id, the first half of every user id it issues.
/// - `iat`, `exp`: whole seconds, as clients expect of JWT dates.
/// - `jti`: the token's id, recorded in the log (the token itself never is).
/// - `iatMicros`: the issue instant to the microsecond. Revocation compares against it: a token
///   issued in the same second as, but after, a revocation must keep working, and `iat` cannot tell.
struct UserTokenClaims: JWTPayload, Equatable {
    var skypeid: String
    var acsScope: String
    var resourceId: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var iatMicros: Int64

    init(user: CommunicationUserId, grant: AccessTokenGrant, resourceId: UUID) {
        skypeid = user.skypeId
        acsScope = grant.scopes.map(\.rawValue).joined(separator: ",")
        self.resourceId = resourceId.uuidString.lowercased()
        iat = IssuedAtClaim(value: Date(timeIntervalSince1970: grant.issuedAt.timeIntervalSince1970.rounded(.down)))
        exp = ExpirationClaim(value: Date(timeIntervalSince1970: grant.expiresOn.timeIntervalSince1970.rounded(.down)))
        jti = IDClaim(value: grant.tokenId.uuidString.lowercased())
        iatMicros = Self.microseconds(grant.issuedAt)
    }

    /// Expiry and revocation depend on the caller's clock and the read model: `UserTokenAuthenticator`
    /// checks them. Here only the signature (checked by jwt-kit before this) matters.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    var scopes: Set<String> { Set(acsScope.split(separator: ",").map(String.init)) }

    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
