import ArgumentParser
import AtriumAPI
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark create-room commands over HTTP against a pgbench baseline on the same PostgreSQL.",
        discussion: """
            Runs, in one go: pgbench (single-row INSERT transactions, --connections clients), then \
            --rounds rounds of create-room commands signed with HMAC from --connections concurrent \
            connections, each followed by pgbench again. Prints each round's commands/s, p50/p99 \
            latency, the baselines around it and their ratio, then the median ratio. Everything \
            targets loopback and stops by itself. Tools/bench sets up a server and database.
            """
    )

    @Option(help: "The Atrium server to load.") var url = "http://127.0.0.1:8080"
    @Option(help: "Base64 access key (default: $ATRIUM_ACCESS_KEY).") var accessKey: String?
    @Option(help: "PostgreSQL URL for the pgbench baseline: the server's own database.") var databaseURL: String?
    @Option(name: .shortAndLong, help: "Concurrent connections (and pgbench clients).") var connections = 32
    @Option(name: .shortAndLong, help: "Seconds per phase.") var duration = 10
    @Option(help: "Rounds of create-room load, each between two pgbench phases; the median ratio is the result.")
    var rounds = 3
    @Flag(help: "Send Repeatability-Request-ID/-First-Sent like the SDK does on create.") var repeatable = false
    @Option(
        name: .customLong("client"),
        help: "Load generator: wrk (a C client, like pgbench) or swift. (default: wrk when installed, else swift)")
    var chosenClient: LoadClient?
    var client: LoadClient { chosenClient ?? (WrkLoad.isAvailable() ? .wrk : .swift) }

    enum LoadClient: String, ExpressibleByArgument {
        case wrk, swift
    }

    func validate() throws {
        guard (1...512).contains(connections) else { throw ValidationError("--connections must be 1...512") }
        guard (1...300).contains(duration) else { throw ValidationError("--duration must be 1...300 seconds") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1...20") }
    }

    func run() async throws {
        guard let key = accessKey ?? ProcessInfo.processInfo.environment["ATRIUM_ACCESS_KEY"],
            let signer = HMACAuthenticator(accessKey: key)
        else { throw ValidationError("Give --access-key or ATRIUM_ACCESS_KEY (base64).") }
        let database = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"]

        // pgbench, then rounds of Atrium each followed by pgbench: every round is compared with the
        // baselines just before and just after it, so a slow spell of a shared machine spoils one
        // round rather than the whole result.
        var baselines: [Double] = []
        func measureBaseline() throws {
            guard let database else { return }
            print("pgbench baseline: \(connections) clients, \(duration) s …")
            baselines.append(try PGBenchBaseline(databaseURL: database).run(clients: connections, seconds: duration))
        }
        try measureBaseline()
        var loads: [CreateRoomLoad.Result] = []
        for round in 1...rounds {
            print(
                "create-room over HTTP (round \(round) of \(rounds)): \(connections) connections, \(duration) s, load from \(client.rawValue) …"
            )
            loads.append(try await load(signer: signer))
            try measureBaseline()
        }

        var lines = [""]
        var ratios: [Double] = []
        for (index, load) in loads.enumerated() {
            var line =
                "round \(index + 1): \(load.succeeded) ok, \(load.failed) failed in \(String(format: "%.1f", load.seconds)) s "
                + "→ \(String(format: "%.0f", load.commandsPerSecond)) commands/s, "
                + "p50 \(String(format: "%.2f", load.p50Milliseconds)) ms, p99 \(String(format: "%.2f", load.p99Milliseconds)) ms"
            if baselines.count == loads.count + 1 {
                let baseline = (baselines[index] + baselines[index + 1]) / 2
                ratios.append(load.commandsPerSecond / baseline)
                line +=
                    "; pgbench \(String(format: "%.0f", baselines[index])) / \(String(format: "%.0f", baselines[index + 1])) tps "
                    + "(before / after) → ratio \(String(format: "%.3f", ratios[index]))"
            }
            lines.append(line)
        }
        if !ratios.isEmpty {
            lines.append(
                "ratio (atrium commands/s ÷ pgbench tps), median of \(ratios.count) round(s): "
                    + String(format: "%.3f", ratios.sorted()[ratios.count / 2]))
        }
        print(lines.joined(separator: "\n"))
        if loads.contains(where: { $0.failed > 0 }) { throw ExitCode(1) }
    }

    private func load(signer: HMACAuthenticator) async throws -> CreateRoomLoad.Result {
        switch client {
        case .wrk:
            try WrkLoad(baseURL: url, signer: signer, repeatable: repeatable)
                .run(connections: connections, seconds: duration)
        case .swift:
            try await CreateRoomLoad(baseURL: url, signer: signer, repeatable: repeatable)
                .run(connections: connections, seconds: duration)
        }
    }
}
