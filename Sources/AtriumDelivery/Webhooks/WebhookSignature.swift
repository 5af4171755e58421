import AtriumDomain
import Crypto
import Foundation

/// Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`, `webhook-signature`): Event
/// Grid signs nothing; Atrium signs when a subscription has a secret (`whsec_` + base64 key).
public enum WebhookSignature {
    public static func headers(secret: String, messageId: String, timestamp: Date, body: String) -> [(String, String)]?
    {
        guard let key = SigningSecret(secret)?.key else { return nil }
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        let signed = Data("\(messageId).\(seconds).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return [
            ("webhook-id", messageId), ("webhook-timestamp", seconds),
            ("webhook-signature", "v1," + Data(mac).base64EncodedString()),
        ]
    }
}
