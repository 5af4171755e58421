import AtriumDomain
import Crypto
import Foundation
import JWTKit

/// Signs and verifies user access tokens: HS256 JWTs keyed by the server's access key.
///
/// The signing key is HMAC-SHA256(access key bytes, "atrium user tokens v1"), so the access key
/// itself never signs a token, and rotating the access key voids every token. The resource id,
/// the first half of every user id, is derived from the key the same way: stable across restarts,
/// different between deployments.
public struct UserTokens: Sendable {
    public let resourceId: UUID
    // jwt-kit's key collection is an actor that is configured asynchronously; the task does it
    // once, and every use awaits the configured collection.
    private let keys: Task<JWTKeyCollection, Never>

    public init(accessKeyBytes: Data) {
        let rootKey = SymmetricKey(data: accessKeyBytes)
        let signingKey = Data(HMAC<SHA256>.authenticationCode(for: Data("atrium user tokens v1".utf8), using: rootKey))
        var resource = Array(HMAC<SHA256>.authenticationCode(for: Data("atrium resource id v1".utf8), using: rootKey))
        resource[6] = (resource[6] & 0x0F) | 0x80  // RFC 9562 version 8: a custom, derived UUID
        resource[8] = (resource[8] & 0x3F) | 0x80  // RFC 9562 variant
        resourceId = UUID(
            uuid: (
                resource[0], resource[1], resource[2], resource[3], resource[4], resource[5], resource[6],
                resource[7], resource[8], resource[9], resource[10], resource[11], resource[12], resource[13],
                resource[14], resource[15]
            ))
        keys = Task {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: signingKey), digestAlgorithm: .sha256)
            return keys
        }
    }

    /// A fresh id for a new identity of this server.
    public func newUserId() -> CommunicationUserId {
        CommunicationUserId.new(resourceId: resourceId, unique: UUID())
    }

    /// The signed token for a grant the decider accepted.
    ///
    /// The Python SDK decodes the payload segment with the *standard* base64 alphabet, so it must
    /// hold neither `-` nor `_`. In base64 of ASCII text only the fourth character of a group can
    /// be 62 or 63, and only for the bytes `>`, `?`, `~` and DEL; the claims are ids, scopes and
    /// numbers, which never contain them. Checked anyway, so that a future claim cannot break it silently.
    public func sign(_ grant: AccessTokenGrant, for user: CommunicationUserId) async throws -> String {
        let claims = UserTokenClaims(user: user, grant: grant, resourceId: resourceId)
        let token = try await keys.value.sign(claims)
        let segments = token.split(separator: ".")
        guard segments.count == 3, !segments[1].contains(where: { $0 == "-" || $0 == "_" }) else {
            throw UnreadableTokenPayload()
        }
        return token
    }

    /// The claims of a token this server signed; any other string is refused.
    func verify(_ token: String) async throws -> UserTokenClaims {
        try await keys.value.verify(token, as: UserTokenClaims.self)
    }

    struct UnreadableTokenPayload: Error {}
}
