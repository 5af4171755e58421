import Foundation

/// Test signals and their measures.
enum Signal {
    static func sine(frequency: Double, seconds: Double, amplitude: Double = 8_000, rate: Double = 8_000) -> [Int16] {
        (0..<Int(seconds * rate)).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / rate)) }
    }

    static func rms<C: Collection<Int16>>(_ samples: C) -> Double {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
    }

    /// The span from the first to the last 5 ms window whose RMS exceeds `threshold`, in samples.
    static func audibleSpan(_ samples: [Int16], threshold: Double = 500) -> Range<Int>? {
        let window = 40
        let loud = stride(from: 0, to: samples.count - window + 1, by: window).filter {
            rms(samples[$0..<($0 + window)]) > threshold
        }
        guard let first = loud.first, let last = loud.last else { return nil }
        return first..<(last + window)
    }

    /// The power of one frequency (Goertzel), normalised by the length.
    static func power<C: Collection<Int16>>(of frequency: Double, in samples: C, rate: Double = 8_000) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return power / Double(samples.count * samples.count)
    }

    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("atrium-rtp-\(UUID().uuidString)-\(name)")
    }
}

/// Runs a command-line tool, bounded in time; nil when it is not installed.
enum Tool {
    static func path(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @discardableResult
    static func run(_ name: String, _ arguments: [String]) throws -> String {
        guard let path = path(name) else { throw ToolMissing(name: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 20, execute: timer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ToolFailed(name: name, status: process.terminationStatus, output: text)
        }
        return text
    }

    struct ToolMissing: Error { var name: String }
    struct ToolFailed: Error {
        var name: String
        var status: Int32
        var output: String
    }
}

/// How far apart two durations are.
func gap(_ first: Duration, _ second: Duration) -> Duration {
    first > second ? first - second : second - first
}
