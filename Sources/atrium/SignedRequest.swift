import AsyncHTTPClient
import AtriumAPI
import Crypto
import Foundation
import NIOCore

/// A request signed with HMAC-SHA256 as the Azure SDKs sign it (for the load generators).
enum SignedRequest {
    static func make(
        _ method: HTTPMethodName, baseURL: String, target: String, body: String = "", signer: HMACAuthenticator,
        contentType: String = "application/json"
    ) throws -> HTTPClientRequest {
        guard let url = URL(string: baseURL), let host = url.host else { throw URLError(.badURL) }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        let bodyHash = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
        let date = HTTPDateFormat.now()
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "x-ms-date", value: date)
        request.headers.add(name: "x-ms-content-sha256", value: bodyHash)
        let signature = signer.signature(
            method: method.rawValue, target: target, date: date, host: authority, bodyHash: bodyHash)
        request.headers.add(
            name: "Authorization",
            value: "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=\(signature)")
        if !body.isEmpty { request.body = .bytes(ByteBuffer(string: body)) }
        return request
    }

    enum HTTPMethodName: String {
        case GET, POST, PUT, PATCH, DELETE
    }
}
