import AtriumApplication
import Foundation
import HTTPTypes
import Hummingbird

/// `Repeatability-Request-ID` + `Repeatability-First-Sent`: the request may be retried and must
/// take effect once.
enum RepeatabilityHeaders {
    static func parse(_ request: Request) throws -> Repeatability? {
        let id = request.headers[.repeatabilityRequestID]
        let firstSent = request.headers[.repeatabilityFirstSent]
        switch (id, firstSent) {
        case (nil, nil):
            return nil
        case (let id?, let firstSent?):
            guard !id.isEmpty, id.count <= 128 else {
                throw APIError.badRequest(
                    "Repeatability-Request-ID must be 1 to 128 characters.", target: "Repeatability-Request-ID")
            }
            guard let sent = HTTPDate.parse(firstSent) else {
                throw APIError.badRequest(
                    "Repeatability-First-Sent must be an RFC 1123 date.", target: "Repeatability-First-Sent")
            }
            return Repeatability(
                requestId: id, firstSent: sent, operation: "\(request.method.rawValue) \(request.uri.path)")
        case (nil, _?):
            throw APIError.badRequest(
                "Repeatability-First-Sent was sent without Repeatability-Request-ID.",
                target: "Repeatability-Request-ID")
        case (_?, nil):
            throw APIError.badRequest(
                "Repeatability-Request-ID requires Repeatability-First-Sent.", target: "Repeatability-First-Sent")
        }
    }
}
