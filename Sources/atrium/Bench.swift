import ArgumentParser
import AtriumAPI
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark create-room commands over HTTP against a pgbench baseline on the same PostgreSQL.",
        discussion: """
            Runs, in one go: pgbench (single-row INSERT transactions, --connections clients), then \
            create-room commands signed with HMAC from --connections concurrent connections, then \
            pgbench again. Prints commands/s, p50/p99 latency, the baseline tps and their ratio. \
            Everything targets loopback and stops by itself. Tools/bench sets up a server and database.
            """
    )

    @Option(help: "The Atrium server to load.") var url = "http://127.0.0.1:8080"
    @Option(help: "Base64 access key (default: $ATRIUM_ACCESS_KEY).") var accessKey: String?
    @Option(help: "PostgreSQL URL for the pgbench baseline: the server's own database.") var databaseURL: String?
    @Option(name: .shortAndLong, help: "Concurrent connections (and pgbench clients).") var connections = 32
    @Option(name: .shortAndLong, help: "Seconds per phase.") var duration = 10
    @Flag(help: "Send Repeatability-Request-ID/-First-Sent like the SDK does on create.") var repeatable = false
    @Option(help: "Load generator: wrk (a C client, like pgbench; the default when installed) or swift.")
    var client: LoadClient = WrkLoad.isAvailable() ? .wrk : .swift

    enum LoadClient: String, ExpressibleByArgument {
        case wrk, swift
    }

    func validate() throws {
        guard (1...512).contains(connections) else { throw ValidationError("--connections must be 1...512") }
        guard (1...300).contains(duration) else { throw ValidationError("--duration must be 1...300 seconds") }
    }

    func run() async throws {
        guard let key = accessKey ?? ProcessInfo.processInfo.environment["ATRIUM_ACCESS_KEY"],
            let signer = HMACAuthenticator(accessKey: key)
        else { throw ValidationError("Give --access-key or ATRIUM_ACCESS_KEY (base64).") }
        let database = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"]

        var baselines: [Double] = []
        if let database {
            print("pgbench baseline (before): \(connections) clients, \(duration) s …")
            baselines.append(try PGBenchBaseline(databaseURL: database).run(clients: connections, seconds: duration))
        }
        print("create-room over HTTP: \(connections) connections, \(duration) s, load from \(client.rawValue) …")
        let load =
            switch client {
            case .wrk:
                try WrkLoad(baseURL: url, signer: signer, repeatable: repeatable)
                    .run(connections: connections, seconds: duration)
            case .swift:
                try await CreateRoomLoad(baseURL: url, signer: signer, repeatable: repeatable)
                    .run(connections: connections, seconds: duration)
            }
        if let database {
            print("pgbench baseline (after): \(connections) clients, \(duration) s …")
            baselines.append(try PGBenchBaseline(databaseURL: database).run(clients: connections, seconds: duration))
        }

        var lines = [
            "",
            "atrium create-room: \(load.succeeded) ok, \(load.failed) failed in \(String(format: "%.1f", load.seconds)) s "
                + "→ \(String(format: "%.0f", load.commandsPerSecond)) commands/s, "
                + "p50 \(String(format: "%.2f", load.p50Milliseconds)) ms, p99 \(String(format: "%.2f", load.p99Milliseconds)) ms",
        ]
        if !baselines.isEmpty {
            let baseline = baselines.reduce(0, +) / Double(baselines.count)
            lines.append(
                "pgbench single-row INSERT: \(baselines.map { String(format: "%.0f", $0) }.joined(separator: " / ")) tps "
                    + "(before / after) → mean \(String(format: "%.0f", baseline)) tps")
            lines.append(
                "ratio (atrium commands/s ÷ pgbench tps): \(String(format: "%.3f", load.commandsPerSecond / baseline))")
        }
        print(lines.joined(separator: "\n"))
        if load.failed > 0 { throw ExitCode(1) }
    }
}
