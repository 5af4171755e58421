import Foundation

/// The `validationUrl` of a handshake (Event Grid's `data.validationUrl`): an endpoint that cannot
/// echo the code in its response, or a person, validates the subscription with a GET of it. It
/// is public; the code is the credential.
public enum SubscriptionValidationURL {
    /// `{baseURL}/eventSubscriptions/{name}/validate?code={code}`.
    ///
    /// - Parameter baseURL: where the endpoint can reach this server, scheme and authority
    ///   (`http://127.0.0.1:8080`); a trailing slash is dropped.
    public static func make(baseURL: String, name: String, code: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return base + path(name: name) + "?code="
            + (code.addingPercentEncoding(withAllowedCharacters: codeCharacters) ?? code)
    }

    /// The route's path for subscription `name`.
    public static func path(name: String) -> String {
        "/eventSubscriptions/\(name)/validate"
    }

    /// Unreserved characters only: everything else in a code is percent-encoded.
    private static let codeCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
