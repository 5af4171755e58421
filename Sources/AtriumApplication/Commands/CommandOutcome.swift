import AtriumStore

/// What happened to a command: its answer, whether that answer was the stored first one, and
/// the events it recorded.
public struct CommandOutcome<Event: Sendable>: Sendable {
    public var answer: CommandAnswer
    /// True when this was a retry answered with the stored first result.
    public var replayed: Bool
    public var events: [Event]

    public init(answer: CommandAnswer, replayed: Bool, events: [Event]) {
        self.answer = answer
        self.replayed = replayed
        self.events = events
    }
}

extension CommandAnswer {
    /// The answer of a command no client waits on: never sent, and never stored (such commands
    /// carry no repeatability).
    public static let unread = CommandAnswer(code: 0)
}
