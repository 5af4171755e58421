import PostgresNIO

extension PostgresRowSequence {
    /// Reads the statement to its end. A query's rows arrive after it returns, and so do the errors
    /// of a statement that returns rows (a `SELECT` of a function that fails half-way, or times out
    /// waiting for a lock): unread, they would go unnoticed.
    func finish() async throws {
        for try await _ in self {}
    }
}
