import Foundation

@testable import AtriumDomain

// The given-when-then vocabulary of GivenWhenThen.swift, for room calls.

/// Variadic, like the identities' `given(…)`, so that it never competes with the rooms' `given([…])`.
func given(_ events: CallEvent...) -> Call {
    CallDecider.replay(events)
}

func when(_ command: CallCommand, _ state: Call) -> Result<[CallEvent], DomainError> {
    do {
        return .success(try CallDecider.decide(command, state))
    } catch {
        return .failure(error)
    }
}

func then(_ events: CallEvent...) -> Result<[CallEvent], DomainError> {
    .success(events)
}

func refused(_ error: DomainError) -> Result<[CallEvent], DomainError> {
    .failure(error)
}

/// The command was accepted and changed nothing in the call.
let nothingHappensToTheCall: Result<[CallEvent], DomainError> = .success([])

/// The call once `command` is decided on it and its events recorded: the state a repeated command meets.
func after(_ command: CallCommand, on call: Call) throws -> Call {
    CallDecider.replay(try CallDecider.decide(command, call), from: call)
}
