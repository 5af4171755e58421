/// What a command answered, kept so that a repeated request is answered the same again.
///
/// The edge that ran the command chooses all three parts (over HTTP: the status, the headers and
/// the body of the response); the store and the application keep them without reading them.
public struct CommandAnswer: Sendable, Equatable {
    /// The edge's code for how the command went.
    public var code: Int
    /// Named values the edge sends beside the body.
    public var attributes: [String: String]
    public var body: String

    public init(code: Int, attributes: [String: String] = [:], body: String = "") {
        self.code = code
        self.attributes = attributes
        self.body = body
    }
}
