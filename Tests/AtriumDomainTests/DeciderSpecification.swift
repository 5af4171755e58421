import Foundation

@testable import AtriumDomain

// Tests read as specifications: given a history, when a command is decided, then these events or
// this error. One vocabulary for every decider, after Emmett's `DeciderSpecification`.

/// Given-when-then for the decider `D`: the state a history leads to, what `decide` answers a
/// command on it, and the answers a test expects.
enum DeciderSpecification<D: Decider> {
    typealias Decision = Result<[D.Event], DomainError>

    /// The state a history of events leads to.
    static func given(_ events: [D.Event]) -> D.State {
        D.replay(events)
    }

    /// What the decider answers to a command on a state: the new events, or the rule that was broken.
    static func when(_ command: D.Command, _ state: D.State) -> Decision {
        do {
            return .success(try D.decide(command, state))
        } catch {
            return .failure(error)
        }
    }

    /// The state once `command` is decided on `state` and its events recorded: what a repeated
    /// command meets.
    static func after(_ command: D.Command, on state: D.State) throws -> D.State {
        D.replay(try D.decide(command, state), from: state)
    }
}

/// The decider a test's events and commands belong to: lets the words below, written once, serve
/// rooms, calls, identities and subscriptions alike.
protocol Specified {
    associatedtype SpecifiedDecider: Decider
}

extension RoomEvent: Specified { typealias SpecifiedDecider = RoomDecider }
extension RoomCommand: Specified { typealias SpecifiedDecider = RoomDecider }
extension CallEvent: Specified { typealias SpecifiedDecider = CallDecider }
extension CallCommand: Specified { typealias SpecifiedDecider = CallDecider }
extension IdentityEvent: Specified { typealias SpecifiedDecider = IdentityDecider }
extension IdentityCommand: Specified { typealias SpecifiedDecider = IdentityDecider }
extension SubscriptionEvent: Specified { typealias SpecifiedDecider = SubscriptionDecider }
extension SubscriptionCommand: Specified { typealias SpecifiedDecider = SubscriptionDecider }

/// The state a history of events leads to.
func given<E: Specified>(_ events: E...) -> E.SpecifiedDecider.State where E.SpecifiedDecider.Event == E {
    DeciderSpecification<E.SpecifiedDecider>.given(events)
}

func given<E: Specified>(_ events: [E]) -> E.SpecifiedDecider.State where E.SpecifiedDecider.Event == E {
    DeciderSpecification<E.SpecifiedDecider>.given(events)
}

/// What the decider answers to a command on a state.
func when<C: Specified>(
    _ command: C, _ state: C.SpecifiedDecider.State
) -> Result<[C.SpecifiedDecider.Event], DomainError> where C.SpecifiedDecider.Command == C {
    DeciderSpecification<C.SpecifiedDecider>.when(command, state)
}

/// The state once `command` is decided and its events recorded.
func after<C: Specified>(
    _ command: C, on state: C.SpecifiedDecider.State
) throws -> C.SpecifiedDecider.State where C.SpecifiedDecider.Command == C {
    try DeciderSpecification<C.SpecifiedDecider>.after(command, on: state)
}

/// The command was accepted and recorded exactly these events.
func then<E>(_ events: E...) -> Result<[E], DomainError> {
    .success(events)
}

/// The command was accepted and changed nothing.
func nothingHappens<E>() -> Result<[E], DomainError> {
    .success([])
}

/// The command was refused with exactly this error (code, message, target and details).
func refused<E>(_ error: DomainError) -> Result<[E], DomainError> {
    .failure(error)
}
