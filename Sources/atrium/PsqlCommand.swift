import ArgumentParser
import Foundation

/// `atrium psql`: a psql session on Atrium's database (the embedded cluster of the data folder, or
/// DATABASE_URL), or with `--print-url` its connection string for other tools.
struct PsqlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psql",
        abstract: "Open psql on Atrium's database, or print its connection string.",
        discussion: """
            The embedded PostgreSQL listens on 127.0.0.1 on a port chosen at each start, as user \
            atrium with the password in <data-dir>/postgres.password; it must be running (a serving \
            atrium serve). Arguments after -- go to psql, e.g. atrium psql -- -c 'SELECT count(*) FROM events'.
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print the connection string (postgres://…) instead of opening psql.")
    var printURL = false

    @Argument(parsing: .postTerminator, help: "Arguments for psql.")
    var psqlArguments: [String] = []

    func run() throws {
        let (url, connection) = try target()
        if printURL {
            print(url)
            return
        }
        let psql = try EmbeddedPostgres.locate("psql")
        var environment = ProcessInfo.processInfo.environment
        environment.merge(connection.environment) { $1 }
        let arguments = [psql] + connection.arguments + psqlArguments
        // psql takes over the terminal: this process becomes it.
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(psql, argv, envp)
        throw CommandFailure("Cannot run \(psql): \(String(cString: strerror(errno)))")
    }

    /// The URL to print, and how to hand it to psql without a password in its argument list
    /// (which every local user can read).
    private func target() throws -> (url: String, (arguments: [String], environment: [String: String])) {
        if let url = database.databaseURL {
            return (url, (["--dbname", url], [:]))
        }
        let embedded = EmbeddedPostgres(
            dataDirectory: URL(fileURLWithPath: database.dataDir), logger: .init(label: "psql"))
        guard let port = try embedded.runningPort() else {
            throw CommandFailure(
                "No embedded PostgreSQL is running under \(database.dataDir): start `atrium serve` (or pass --data-dir)."
            )
        }
        let password = try String(contentsOf: embedded.passwordFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let user = EmbeddedPostgres.user
        let name = EmbeddedPostgres.database
        return (
            "postgres://\(user):\(password)@127.0.0.1:\(port)/\(name)",
            (["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", name], ["PGPASSWORD": password])
        )
    }
}
