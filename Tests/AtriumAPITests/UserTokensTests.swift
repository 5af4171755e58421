import AtriumAPI
import AtriumDomain
import Foundation
import Testing

/// Signing user tokens, without a database: what every token must look like to the SDKs.
struct UserTokensTests {
    @Test func theResourceIdIsDerivedFromTheAccessKey() async throws {
        let key = Data((0..<32).map { UInt8($0) })
        let same = UserTokens(accessKeyBytes: key)
        #expect(UserTokens(accessKeyBytes: key).resourceId == same.resourceId)
        #expect(UserTokens(accessKeyBytes: Data(key.reversed())).resourceId != same.resourceId)
        let user = same.newUserId()
        #expect(user.rawId.hasPrefix("8:acs:\(same.resourceId.uuidString.lowercased())_"))
        #expect(CommunicationIdentifier(rawId: user.rawId)?.kind == .communicationUser)
    }

    @Test func tokenPayloadsNeverNeedTheURLSafeAlphabet() async throws {
        let tokens = UserTokens(accessKeyBytes: Data((0..<32).map { UInt8($0 * 7 % 256) }))
        let scopes = TokenScope.allCases.map(\.rawValue)
        for index in 0..<300 {
            let chosen = Array(scopes.shuffled().prefix(1 + index % scopes.count))
            let grant = try AccessTokenGrant.validated(
                scopes: chosen, expiresInMinutes: 60 + index, tokenId: UUID(),
                now: Date(timeIntervalSince1970: 1_767_225_600 + Double(index) * 1_234.567_891))
            let token = try await tokens.sign(grant, for: tokens.newUserId())
            let payload = token.split(separator: ".")[1]
            #expect(!payload.contains("-") && !payload.contains("_"), "\(payload)")
            #expect(
                IdentityHTTPTests.string(try IdentityHTTPTests.decodedPayload(token)["acsScope"])
                    == chosen.joined(separator: ","))
        }
    }

}
