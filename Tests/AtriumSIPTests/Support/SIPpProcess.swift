import Foundation

/// SIPp (Debian's `sip-tester`) running one UAS scenario from `Scenarios/` for one call, on a fixed port.
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

    /// Starts `sipp -sf <scenario> -i 127.0.0.1 -p <port> -m 1` and waits until it listens. Its media ports
    /// (it binds several from `-mp`) start at port + 1000, so tests 10 ports apart do not collide.
    init(scenario: String, port: Int, tcp: Bool = false, timeout: Int = 20) async throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        var arguments = [
            "-sf", Self.scenarios.appendingPathComponent(scenario).path, "-i", "127.0.0.1", "-p", "\(port)",
            "-mi", "127.0.0.1", "-mp", "\(port + 1_000)", "-m", "1", "-timeout", "\(timeout)s", "-nostdin",
            "-trace_msg", "-trace_logs", "-trace_err", "-trace_screen",
        ]
        if tcp { arguments += ["-t", "t1"] }
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await waitUntilListening(tcp: tcp)
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

    /// The calls SIPp counted as successful (its whole scenario ran), from its final screen.
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
            if Self.isBound(port: port, tcp: tcp) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SIPpFailed(reason: "sipp did not bind port \(port)")
    }

    /// Whether something listens on the port: our own bind of it fails.
    private static func isBound(port: Int, tcp: Bool) -> Bool {
        let descriptor = socket(AF_INET, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result != 0
    }
}

struct SIPpFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
