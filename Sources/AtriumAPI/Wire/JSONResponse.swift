import AtriumDomain
import HTTPTypes
import Hummingbird

/// Responses with a JSON body.
enum JSONResponse {
    static func make(status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields = [:]) -> Response {
        make(status: status, text: body.serialized, headers: headers)
    }

    static func make(status: HTTPResponse.Status, text: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension HTTPField.Name {
    static let xMsErrorCode = Self("x-ms-error-code")!
    static let repeatabilityRequestID = Self("Repeatability-Request-ID")!
    static let repeatabilityFirstSent = Self("Repeatability-First-Sent")!
    static let repeatabilityResult = Self("Repeatability-Result")!
    static let xMsClientRequestID = Self("x-ms-client-request-id")!
}
