import Foundation

/// The first answer to a repeatable request, stored in the same transaction as the command's
/// events so that a retry can be answered without a second effect.
public struct StoredCommandResult: Equatable, Sendable {
    public var requestId: String
    public var firstSent: Date
    /// What the request was (over HTTP: its method and path), so that an id reused for another
    /// request is noticed.
    public var operation: String
    public var answer: CommandAnswer

    public init(requestId: String, firstSent: Date, operation: String, answer: CommandAnswer) {
        self.requestId = requestId
        self.firstSent = firstSent
        self.operation = operation
        self.answer = answer
    }
}

/// One flat JSON object, the form the append functions read (`p_result->>'status'`, …) into the
/// columns of `command_results`: the keys name those columns.
extension StoredCommandResult: Codable {
    private enum CodingKeys: String, CodingKey {
        case requestId, firstSent, operation, status, headers, body
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            requestId: try container.decode(String.self, forKey: .requestId),
            firstSent: try container.decode(Date.self, forKey: .firstSent),
            operation: try container.decode(String.self, forKey: .operation),
            answer: CommandAnswer(
                code: try container.decode(Int.self, forKey: .status),
                attributes: try container.decode([String: String].self, forKey: .headers),
                body: try container.decode(String.self, forKey: .body)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestId, forKey: .requestId)
        try container.encode(firstSent, forKey: .firstSent)
        try container.encode(operation, forKey: .operation)
        try container.encode(answer.code, forKey: .status)
        try container.encode(answer.attributes, forKey: .headers)
        try container.encode(answer.body, forKey: .body)
    }
}
