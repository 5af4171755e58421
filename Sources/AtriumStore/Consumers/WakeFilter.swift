import Synchronization

/// Which notifications of appended events wake a consumer: those naming a type it reads (all of
/// them for a consumer of everything). A choice made by a query (`typesChosenBy`) is evaluated
/// again at each wake-up, together with the types that can change it.
final class WakeFilter: Sendable {
    private let selection: EventSelection
    private let wanted: Mutex<Set<String>?>

    init(_ selection: EventSelection) {
        self.selection = selection
        switch selection {
        case .all: wanted = Mutex(nil)
        case .types(let types): wanted = Mutex(Set(types))
        case .typesChosenBy(_, let changedBy): wanted = Mutex(Set(changedBy))
        }
    }

    /// Whether the consumer reads only some types, and so can sleep through the others.
    var isSelective: Bool {
        if case .all = selection { false } else { true }
    }

    func concerns(_ payload: String) -> Bool {
        AppendedTypes.concern(payload, wanted: wanted.withLock { $0 })
    }

    func refresh(from store: EventStore) async throws {
        guard case .typesChosenBy(let sql, let changedBy) = selection else { return }
        let chosen = try await store.chosenTypes(sql)
        wanted.withLock { $0 = Set(chosen + changedBy) }
    }
}
