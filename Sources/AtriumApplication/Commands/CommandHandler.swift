import AtriumDomain
import AtriumStore
import Foundation

/// Runs commands against one kind of aggregate: load its stream, decide, append — the flow of
/// every write in Atrium.
///
/// On a concurrent write the command is decided again on the fresh state (a bounded number of
/// times). The answer is built from the state the command produced, never re-read from a read model.
public struct CommandHandler<D: Decider>: Sendable where D.Event: EventCodable {
    public let store: EventStore
    public var maxAttempts: Int

    public init(store: EventStore, maxAttempts: Int = 8) {
        self.store = store
        self.maxAttempts = maxAttempts
    }

    public typealias Outcome = CommandOutcome<D.Event>

    /// - Parameters:
    ///   - isNewStream: the command creates its stream (a fresh id), so there is nothing to load.
    ///   - respond: builds the answer from the aggregate's state after the command; a command no
    ///     client waits on (a policy's) needs none.
    public func execute(
        _ command: D.Command, named commandName: String, on stream: String, isNewStream: Bool = false,
        context: CommandContext, repeatability: Repeatability? = nil,
        respond: (D.State) throws -> CommandAnswer = { _ in .unread }
    ) async throws -> Outcome {
        do {
            let outcome = try await decideAndAppend(
                command, named: commandName, on: stream, isNewStream: isNewStream, context: context,
                repeatability: repeatability, respond: respond)
            let result = outcome.replayed ? "replayed" : outcome.events.isEmpty ? "unchanged" : "appended"
            CommandMetrics.completed(commandName, outcome: result)
            return outcome
        } catch let error as DomainError {
            CommandMetrics.completed(commandName, outcome: "refused")
            throw error
        } catch {
            CommandMetrics.completed(commandName, outcome: "failed")
            throw error
        }
    }

    private func decideAndAppend(
        _ command: D.Command, named commandName: String, on stream: String, isNewStream: Bool,
        context: CommandContext, repeatability: Repeatability?,
        respond: (D.State) throws -> CommandAnswer
    ) async throws -> Outcome {
        // A retry of a command on an existing stream would be decided against the state it already
        // changed, so look for its stored result first. A new stream's retry is caught by the
        // unique request id inside the append, saving a round trip on the common path.
        if let repeatability, !isNewStream, let stored = try await storedOutcome(for: repeatability) {
            return stored
        }
        for attempt in 0..<maxAttempts {
            if attempt > 0 {
                // Racing writers that all lost would collide again at once: spread them out.
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(attempt * 2_000))))
            }
            var state = D.initialState
            var version: Int64 = 0
            if !isNewStream {
                let history = try await store.readStream(stream)
                state = D.replay(try history.map { try $0.decode(as: D.Event.self) })
                version = history.last?.streamVersion ?? 0
            }
            let events: [D.Event]
            do {
                events = try D.decide(command, state)
            } catch {
                if let repeatability, let stored = try await storedOutcome(for: repeatability) { return stored }
                throw error
            }
            let answer = try respond(D.replay(events, from: state))
            let stored = repeatability.map {
                StoredCommandResult(
                    requestId: $0.requestId, firstSent: $0.firstSent, operation: $0.operation, answer: answer)
            }
            guard !events.isEmpty else {
                // Nothing changed, but a retry must still get this answer, not one decided on whatever
                // the stream holds by then.
                if let repeatability, let stored, try await !store.storeResult(stored),
                    let first = try await storedOutcome(for: repeatability)
                {
                    return first
                }
                return Outcome(answer: answer, replayed: false, events: [])
            }

            let metadata = EventMetadata(
                actor: context.actor, command: commandName, correlationId: context.correlationId,
                causationId: context.causationId, requestId: context.requestId)
            let appendStarted = ContinuousClock.now
            do {
                try await store.append(
                    to: stream, expected: isNewStream ? .noStream : .at(version),
                    events: try events.map { try NewEvent($0, metadata: metadata) }, recordedAt: context.now,
                    result: stored)
                CommandMetrics.appended(after: ContinuousClock.now - appendStarted)
                return Outcome(answer: answer, replayed: false, events: events)
            } catch StoreError.wrongExpectedVersion {
                CommandMetrics.conflicted(commandName)
                continue  // someone else wrote first: decide again on what they wrote
            } catch StoreError.duplicateRequest {
                if let repeatability, let stored = try await storedOutcome(for: repeatability) { return stored }
                throw DomainError(.conflict, "The request was already received and is still being processed.")
            }
        }
        throw DomainError(
            .conflict, "The resource was changed by concurrent requests too many times; retry the request.")
    }

    private func storedOutcome(for repeatability: Repeatability) async throws -> Outcome? {
        guard let stored = try await store.storedResult(requestId: repeatability.requestId) else { return nil }
        guard stored.operation == repeatability.operation else {
            throw DomainError(
                .conflict, "Repeatability-Request-ID \(repeatability.requestId) was already used for another request.",
                target: "Repeatability-Request-ID")
        }
        return Outcome(answer: stored.answer, replayed: true, events: [])
    }
}
