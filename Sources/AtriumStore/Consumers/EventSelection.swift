/// Which events of the log a consumer reads. The rest are skipped inside PostgreSQL: never sent
/// or decoded, while the consumer's checkpoint still moves past them.
public enum EventSelection: Sendable {
    case all
    case types([String])
    /// The types a SQL query returns as one `text[]`, evaluated in the statement that reads the
    /// events: a choice that follows a table (the fan-out reads what its subscriptions want) and
    /// is never older than the events it filters. The choice changes only when events of
    /// `changedBy` are appended (those that change the table).
    case typesChosenBy(sql: String, changedBy: [String])
}
