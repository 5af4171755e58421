import Foundation

@testable import AtriumDomain

// Tests read as specifications: given a history, when a command is decided, then these events or this error.

/// The state a history of events leads to.
func given(_ events: [RoomEvent]) -> Room {
    RoomDecider.replay(events)
}

/// What the decider answers to a command on a state: the new events, or the rule that was broken.
func when(_ command: RoomCommand, _ state: Room) -> Result<[RoomEvent], DomainError> {
    do {
        return .success(try RoomDecider.decide(command, state))
    } catch {
        return .failure(error)
    }
}

/// The command was accepted and recorded exactly these events.
func then(_ events: RoomEvent...) -> Result<[RoomEvent], DomainError> {
    .success(events)
}

/// The command was accepted and changed nothing.
let nothingHappens: Result<[RoomEvent], DomainError> = .success([])

/// The command was refused with exactly this error (code, message, target and details).
func refused(_ error: DomainError) -> Result<[RoomEvent], DomainError> {
    .failure(error)
}
