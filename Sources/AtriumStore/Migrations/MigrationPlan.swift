/// What the migrator has to do to bring a database to a schema, from what the database recorded.
struct MigrationPlan {
    /// Numbered migrations not applied yet, in order.
    var migrations: [Migration] = []
    /// Applied migrations recorded with their text from before the functions moved out, whose
    /// record takes the current checksum.
    var rerecorded: [Migration] = []
    /// Function files new or changed since last applied.
    var functions: [FunctionFile] = []
    /// Recorded function files the schema no longer has (a numbered migration drops the function).
    var forgottenFunctions: [String] = []

    init(
        _ schema: DatabaseSchema, recorded: [Int: (name: String, checksum: String)],
        recordedFunctions: [String: String]
    ) throws {
        let known = Set(schema.migrations.map(\.version))
        if let unknown = recorded.keys.sorted().first(where: { !known.contains($0) }), let entry = recorded[unknown] {
            throw MigrationError.unknownApplied(version: unknown, name: entry.name)
        }
        for migration in schema.migrations {
            guard let entry = recorded[migration.version] else {
                migrations.append(migration)
                continue
            }
            guard migration.accepts(recorded: entry.checksum) else {
                throw MigrationError.changedAfterApplied(
                    name: migration.name, recorded: entry.checksum, current: migration.checksum)
            }
            if entry.checksum != migration.checksum { rerecorded.append(migration) }
        }
        functions = schema.functions.filter { recordedFunctions[$0.name] != $0.checksum }
        let names = Set(schema.functions.map(\.name))
        forgottenFunctions = recordedFunctions.keys.filter { !names.contains($0) }.sorted()
    }

    var isEmpty: Bool {
        migrations.isEmpty && rerecorded.isEmpty && functions.isEmpty && forgottenFunctions.isEmpty
    }

    var appliedNames: [String] { migrations.map(\.name) + functions.map(\.name) }
}
