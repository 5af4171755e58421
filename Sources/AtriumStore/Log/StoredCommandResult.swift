import Foundation

/// The first response to a repeatable request (ACS `Repeatability-Request-ID`), stored in the
/// same transaction as the command's events so that a retry can be answered without a second effect.
public struct StoredCommandResult: Codable, Equatable, Sendable {
    public var requestId: String
    public var firstSent: Date
    /// Method and path of the request, so that an id reused for another request is noticed.
    public var operation: String
    public var status: Int
    public var headers: [String: String]
    public var body: String

    public init(
        requestId: String, firstSent: Date, operation: String, status: Int, headers: [String: String], body: String
    ) {
        self.requestId = requestId
        self.firstSent = firstSent
        self.operation = operation
        self.status = status
        self.headers = headers
        self.body = body
    }
}
