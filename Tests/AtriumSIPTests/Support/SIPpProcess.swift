import Foundation

/// SIPp (Debian's `sip-tester`) running one UAS scenario from `Scenarios/` for one call, on a port of
/// 30000-30999 free when it starts (other suites on this machine use that range too), its media ports 1000 above.
///
/// It is killed at the latest when the test ends (`stop()`), and `-timeout` bounds it on its own too.
final class SIPpProcess: Sendable {
    let port: Int
    private let process: Process
    private let directory: URL

    static var scenarios: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios")
    }

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp") }

    /// Starts `sipp -sf <scenario> -i 127.0.0.1 -p <port> -m <calls>` on a free port and waits until it listens;
    /// a port taken meanwhile by someone else makes it try another.
    static func start(
        _ scenario: String, tcp: Bool = false, calls: Int = 1, timeout: Int = 20
    ) async throws -> SIPpProcess {
        var failure: any Error = SIPpFailed(reason: "no free port in 30000-30999")
        for _ in 0..<8 {
            guard let port = freePort() else { continue }
            let sipp = try SIPpProcess(scenario: scenario, port: port, tcp: tcp, calls: calls, timeout: timeout)
            do {
                try await sipp.waitUntilListening(tcp: tcp)
                return sipp
            } catch {
                sipp.stop()
                failure = error
            }
        }
        throw failure
    }

    private init(scenario: String, port: Int, tcp: Bool, calls: Int, timeout: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        var arguments = [
            "-sf", Self.scenarios.appendingPathComponent(scenario).path, "-i", "127.0.0.1", "-p", "\(port)",
            "-mi", "127.0.0.1", "-mp", "\(port + 1_000)", "-m", "\(calls)", "-timeout", "\(timeout)s", "-nostdin",
            "-trace_msg", "-trace_logs", "-trace_err", "-trace_screen",
        ]
        if tcp { arguments += ["-t", "t1"] }
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// A SIP port whose media ports (SIPp binds a few from `-mp`) are free too, by the kernel's socket tables.
    private static func freePort() -> Int? {
        let used = usedPorts()
        for _ in 0..<50 {
            let port = Int.random(in: 15_000...15_499) * 2
            if !(0...4).contains(where: { used.contains(port + $0) || used.contains(port + 1_000 + $0) }) {
                return port
            }
        }
        return nil
    }

    private static func usedPorts() -> Set<Int> {
        var ports: Set<Int> = []
        for table in ["/proc/net/udp", "/proc/net/tcp"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 1, let hex = fields[1].split(separator: ":").last else { continue }
                if let port = Int(hex, radix: 16) { ports.insert(port) }
            }
        }
        return ports
    }

    /// SIPp's exit status once it ran its scenario; it is killed if it has not ended within `seconds`.
    func exitStatus(within seconds: Double = 10) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        stop()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The calls SIPp counted as successful (each ran its whole scenario), from its final screen.
    var successfulCalls: Int? {
        guard let line = traces.split(separator: "\n").first(where: { $0.contains("Successful call") }) else {
            return nil
        }
        return line.split(separator: "|").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// What SIPp wrote (messages, errors, log actions), to explain a failure.
    var traces: String {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { try? String(contentsOf: $0, encoding: .isoLatin1) }.joined(separator: "\n")
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening(tcp: Bool) async throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            guard process.isRunning else { throw SIPpFailed(reason: "sipp exited at start:\n\(traces)") }
            if Self.isBound(port: port, tcp: tcp) {
                // The port may be someone else's who took it first: then SIPp exits at once.
                try await Task.sleep(for: .milliseconds(100))
                guard process.isRunning else { throw SIPpFailed(reason: "sipp exited at start:\n\(traces)") }
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SIPpFailed(reason: "sipp did not bind port \(port)")
    }

    /// Whether SIPp has its socket on the port: a UDP socket bound to it, or a TCP socket listening on it,
    /// as the kernel lists them (a TCP port left in TIME_WAIT by an earlier run does not count).
    private static func isBound(port: Int, tcp: Bool) -> Bool {
        let table = (try? String(contentsOfFile: tcp ? "/proc/net/tcp" : "/proc/net/udp", encoding: .utf8)) ?? ""
        let suffix = ":" + String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().contains { line in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[1].hasSuffix(suffix) else { return false }
            return !tcp || fields[3] == "0A"  // 0A: LISTEN
        }
    }
}

struct SIPpFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
