import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// A private PostgreSQL cluster under the data folder, for running Atrium with nothing installed
/// but the PostgreSQL binaries: created on first start, started and stopped with the server.
///
/// It listens on 127.0.0.1 only (no Unix socket, whose path length the data folder could exceed),
/// on a free port chosen at each start, and requires a password generated at creation. initdb
/// refuses to run as root, so when Atrium runs as root the cluster runs as the `postgres` user.
struct EmbeddedPostgres: Sendable {
    let dataDirectory: URL
    let logger: Logger

    var clusterDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
    var passwordFile: URL { dataDirectory.appendingPathComponent("postgres.password") }
    var logFile: URL { dataDirectory.appendingPathComponent("postgres.log") }
    static let user = "atrium"
    static let database = "atrium"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(dataDirectory: URL, logger: Logger) {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.logger = logger
    }

    /// Creates the cluster if needed, starts it (or adopts one left running by a crashed server).
    func start() async throws -> PostgresClient.Configuration {
        let files = FileManager.default
        try files.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        // The postgres user must be able to reach its cluster inside our folder.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dataDirectory.path)
        if !files.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) {
            try create()
        }
        try prepareLogFile()
        let password = try String(contentsOf: passwordFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let port: Int
        if let running = try runningPort() {
            logger.info("adopting the embedded PostgreSQL left running", metadata: ["port": "\(running)"])
            port = running
        } else {
            port = try Self.freePort()
            try run(
                "pg_ctl",
                ["-D", clusterDirectory.path, "-l", logFile.path, "-w", "-t", "120", "-o", "-p \(port)", "start"])
        }
        logger.info(
            "embedded PostgreSQL is running", metadata: ["port": "\(port)", "data": "\(clusterDirectory.path)"])
        return PostgresClient.Configuration(
            host: "127.0.0.1", port: port, username: Self.user, password: password, database: Self.database,
            tls: .disable)
    }

    /// Whether a cluster is running on this data folder now (a server's, or one left by a crash).
    var isRunning: Bool { (try? runningPort()) != nil }

    /// `fast` ends the sessions, writes a checkpoint and waits for the cluster to be down;
    /// `immediate`, for a server out of time to stop, signals it to quit at once and does not wait
    /// (a frozen cluster would not answer): the next start recovers from the WAL, and nothing
    /// committed is lost either way.
    enum StopMode: String {
        case fast, immediate
    }

    func stop(_ mode: StopMode = .fast) {
        let wait = mode == .fast ? ["-w", "-t", "60"] : ["-W"]
        do {
            try run("pg_ctl", ["-D", clusterDirectory.path, "-m", mode.rawValue] + wait + ["stop"])
            logger.info("embedded PostgreSQL stopped", metadata: ["mode": "\(mode.rawValue)"])
        } catch {
            logger.warning("could not stop the embedded PostgreSQL", metadata: ["error": "\(error)"])
        }
    }

    private func create() throws {
        let files = FileManager.default
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["data": "\(clusterDirectory.path)"])
        // Built beside its final place and renamed once its database exists: a creation cut short
        // leaves nothing that a later start would take for a finished cluster.
        let final = clusterDirectory
        let clusterDirectory = dataDirectory.appendingPathComponent("postgres.creating")
        for leftover in [final, clusterDirectory] where files.fileExists(atPath: leftover.path) {
            try files.removeItem(at: leftover)
        }
        try files.createDirectory(at: clusterDirectory, withIntermediateDirectories: true)
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let password = Data(bytes).base64EncodedString().filter { $0.isLetter || $0.isNumber }
        try Self.writeSecret(password, to: passwordFile)
        // initdb reads the password from a file the cluster's owner can read; removed right after.
        let initPassword = dataDirectory.appendingPathComponent(".initdb-password")
        try Self.writeSecret(password, to: initPassword)
        defer { try? files.removeItem(at: initPassword) }
        try prepareLogFile()
        try chownToPostgres([clusterDirectory, initPassword])
        try run(
            "initdb",
            [
                "-D", clusterDirectory.path, "-U", Self.user, "--pwfile", initPassword.path,
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C",
            ])
        let settings = """

            # Atrium's embedded cluster: loopback TCP only, on the port given at start.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = 200
            idle_in_transaction_session_timeout = '60s'

            """
        let conf = clusterDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
        let port = try Self.freePort()
        try run(
            "pg_ctl", ["-D", clusterDirectory.path, "-l", logFile.path, "-w", "-t", "120", "-o", "-p \(port)", "start"])
        let created = Result {
            try run(
                "psql",
                [
                    "-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user, "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-c", "CREATE DATABASE \(Self.database)",
                ], environment: ["PGPASSWORD": password])
        }
        try run("pg_ctl", ["-D", clusterDirectory.path, "-m", "fast", "-w", "stop"])
        _ = try created.get()
        try files.moveItem(at: clusterDirectory, to: final)
    }

    /// Creates a file readable by its owner only, from the first byte.
    static func writeSecret(_ text: String, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure(description: "Cannot create \(url.path).") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw Failure(description: "Cannot write \(url.path).")
        }
    }

    /// pg_ctl appends the server's log here, as the cluster's owner.
    private func prepareLogFile() throws {
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        try chownToPostgres([logFile])
    }

    /// The port of a cluster already running on this data folder, if any (a server killed with -9
    /// leaves its PostgreSQL running).
    func runningPort() throws -> Int? {
        let pidFile = clusterDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3, let pid = Int32(lines[0]), kill(pid, 0) == 0, let port = Int(lines[3]) else {
            return nil
        }
        return (try? run("pg_ctl", ["-D", clusterDirectory.path, "status"])) != nil ? port : nil
    }

    private var runsAsRoot: Bool { geteuid() == 0 }

    private func chownToPostgres(_ urls: [URL]) throws {
        guard runsAsRoot else { return }
        guard let account = getpwnam("postgres") else {
            throw Failure(description: "Running as root needs a 'postgres' user to own the embedded cluster.")
        }
        for url in urls where chown(url.path, account.pointee.pw_uid, account.pointee.pw_gid) != 0 {
            throw Failure(description: "Cannot give \(url.path) to the postgres user.")
        }
    }

    /// Runs a PostgreSQL tool (as `postgres` when we are root), failing with its output.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let executable = try Self.locate(tool)
        // A small environment, passed as the environment: secrets (a password, the access key in
        // ours) must never appear in an argument list, which every local user can read.
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LC_ALL": "C"]
        for (key, value) in environment { env[key] = value }
        // `env -C /`: the tools must not start in a folder the postgres user cannot enter.
        let command = runsAsRoot ? "/usr/sbin/runuser" : "/usr/bin/env"
        let commandArguments =
            (runsAsRoot
                ? ["-u", "postgres", "-w", env.keys.sorted().joined(separator: ","), "--", "/usr/bin/env"] : [])
            + ["-C", "/", executable] + arguments
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "atrium-\(tool)-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let status = try ChildProcess.run(command, commandArguments, environment: env, output: outputURL)
        let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "\(tool) failed (exit \(status)): \(text)")
        }
        return text
    }

    /// PostgreSQL's binaries: Debian keeps them in /usr/lib/postgresql/<version>/bin.
    static func locate(_ tool: String) throws -> String {
        let files = FileManager.default
        let versions = ((try? files.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates =
            versions.map { "/usr/lib/postgresql/\($0)/bin/\(tool)" }
            + path.split(separator: ":").map { "\($0)/\(tool)" }
        guard let found = candidates.first(where: files.isExecutableFile(atPath:)) else {
            throw Failure(
                description:
                    "Cannot find PostgreSQL's \(tool): install PostgreSQL (apt-get install postgresql) or set DATABASE_URL."
            )
        }
        return found
    }

    /// A TCP port free on loopback right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "Cannot open a socket to find a free port.") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "Cannot bind a socket to find a free port.") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "Cannot read the free port.") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
