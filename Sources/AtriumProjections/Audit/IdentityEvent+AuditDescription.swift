import AtriumDomain

extension IdentityEvent {
    /// What happened to the identity, in one line. Tokens are named by their `jti`, never shown.
    public var auditDescription: String {
        switch self {
        case .created(let e): "identity \(e.rawId) created"
        case .accessTokenIssued(let e):
            "access token \(e.tokenId.uuidString.lowercased()) issued for \(e.scopes.map(\.rawValue).joined(separator: ", ")), "
                + "\(e.expiresInMinutes) minutes, until \(Timestamp.format(e.expiresOn))"
        case .accessTokensRevoked(let e): "access tokens issued up to \(Timestamp.format(e.revokedAt)) revoked"
        case .deleted: "identity deleted, and with it every token"
        }
    }
}
