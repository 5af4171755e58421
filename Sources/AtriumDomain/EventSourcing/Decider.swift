/// An aggregate as three pure functions (the Decider pattern): where every business rule lives.
///
/// `decide` reads no clock and does no I/O: whatever it needs (the time, a new id) arrives in the command.
public protocol Decider {
    associatedtype State: Sendable
    associatedtype Command: Sendable
    associatedtype Event: Sendable

    static var initialState: State { get }
    static func evolve(_ state: State, _ event: Event) -> State
    static func decide(_ command: Command, _ state: State) throws(DomainError) -> [Event]
}

extension Decider {
    /// Folds a history into the state it leads to.
    public static func replay(_ events: some Sequence<Event>, from state: State = initialState) -> State {
        events.reduce(state, evolve)
    }
}
