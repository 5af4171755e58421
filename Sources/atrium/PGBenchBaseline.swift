import Foundation

/// The raw baseline: pgbench running single-row INSERT transactions on the same PostgreSQL.
struct PGBenchBaseline {
    let databaseURL: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Returns pgbench's transactions per second.
    func run(clients: Int, seconds: Int) throws -> Double {
        let pgbench = try EmbeddedPostgres.locate("pgbench")
        let psql = try EmbeddedPostgres.locate("psql")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "atrium-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.txt")
        let environment = ProcessInfo.processInfo.environment

        let setup =
            "CREATE TABLE IF NOT EXISTS bench_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        guard
            try ChildProcess.run(
                psql, [databaseURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", setup], environment: environment,
                output: output) == 0
        else {
            throw Failure(
                description:
                    "psql could not create the baseline table: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")"
            )
        }
        let script = directory.appendingPathComponent("insert.sql")
        try "INSERT INTO bench_baseline (payload) VALUES ('room');\n".write(
            to: script, atomically: true, encoding: .utf8)
        let status = try ChildProcess.run(
            pgbench,
            [
                "-n", "-M", "prepared", "-c", "\(clients)", "-j", "2", "-T", "\(seconds)", "-f", script.path,
                databaseURL,
            ],
            environment: environment, output: output, timeout: .seconds(seconds + 60))
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).prefix { $0.isNumber || $0 == "." })
        else { throw Failure(description: "pgbench failed: \(text)") }
        return tps
    }
}
