import Dispatch
import Foundation
import Synchronization

/// A child process run to completion with a time limit and a cap on what it may print: past either,
/// it is killed and the run fails, so a runaway synthesizer cannot stall or flood the server.
struct BoundedProcess {
    struct Output {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    enum Failure: Error {
        case launch(String)
        case timedOut
        case outputTooLarge
    }

    var executable: URL
    var arguments: [String]
    var timeout: Duration
    var maximumOutputBytes: Int

    func run() async throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure.launch("\(executable.path): \(error.localizedDescription)")
        }
        let state = Mutex((exited: false, timedOut: false))
        let (seconds, attoseconds) = timeout.components
        let limit = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: limit) {
            state.withLock { state in
                // Once it has exited its process id may be reused: the timer must not fire at it.
                guard !state.exited else { return }
                state.timedOut = true
                kill(pid, SIGKILL)
            }
        }
        let maximumOutputBytes = maximumOutputBytes
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let standardError = Mutex(Data())
                let errorsRead = DispatchSemaphore(value: 0)
                DispatchQueue.global().async {
                    let data = errors.fileHandleForReading.readDataToEndOfFile()
                    standardError.withLock { $0 = data.prefix(4_096) }
                    errorsRead.signal()
                }
                var data = Data()
                var tooLarge = false
                while true {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                    if data.count > maximumOutputBytes {
                        tooLarge = true
                        kill(pid, SIGKILL)
                        break
                    }
                }
                process.waitUntilExit()
                let timedOut = state.withLock { state in
                    state.exited = true
                    return state.timedOut
                }
                errorsRead.wait()
                if tooLarge { return continuation.resume(throwing: Failure.outputTooLarge) }
                if timedOut { return continuation.resume(throwing: Failure.timedOut) }
                let message = String(decoding: standardError.withLock { $0 }, as: UTF8.self)
                continuation.resume(
                    returning: Output(status: process.terminationStatus, standardOutput: data, standardError: message))
            }
        }
    }
}
