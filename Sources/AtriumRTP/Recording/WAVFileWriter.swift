import Dispatch
import Foundation
import Synchronization

/// A 16-bit PCM WAV file written as audio arrives: chunks are appended on a serial queue (never on
/// the event loop), and the RIFF and data sizes are filled in when it is finished.
final class WAVFileWriter: Sendable {
    let url: URL
    let channels: Int
    let sampleRate: Int
    private let handle: FileHandle
    private let queue = DispatchQueue(label: "AtriumRTP.WAVFileWriter")
    /// The first write that failed (a full disk): `finish` reports it rather than a silently short file.
    private let failure = Mutex<(any Error)?>(nil)

    init(url: URL, channels: Int, sampleRate: Int) throws {
        self.url = url
        self.channels = channels
        self.sampleRate = sampleRate
        guard FileManager.default.createFile(atPath: url.path, contents: Self.header(channels, sampleRate, 0))
        else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    /// Appends interleaved samples (little-endian, as WAV stores them).
    func append(_ samples: [Int16]) {
        let data = samples.withUnsafeBufferPointer { pointer in
            Data(buffer: UnsafeBufferPointer(start: pointer.baseAddress, count: pointer.count))
        }
        queue.async { [self] in
            do {
                try handle.write(contentsOf: data)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Writes the sizes into the header and closes the file; the number of sample frames written.
    func finish() async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            queue.async { [self] in
                do {
                    if let error = failure.withLock({ $0 }) {
                        try? handle.close()
                        throw error
                    }
                    let end = try handle.seekToEnd()
                    let dataBytes = Int(end) - 44
                    try handle.seek(toOffset: 0)
                    try handle.write(contentsOf: Self.header(channels, sampleRate, dataBytes))
                    try handle.close()
                    continuation.resume(returning: dataBytes / (2 * channels))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func header(_ channels: Int, _ sampleRate: Int, _ dataBytes: Int) -> Data {
        var data = Data()
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8))
        append32(36 + dataBytes)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16)
        append16(1)
        append16(channels)
        append32(sampleRate)
        append32(sampleRate * channels * 2)
        append16(channels * 2)
        append16(16)
        data.append(contentsOf: Array("data".utf8))
        append32(dataBytes)
        return data
    }
}
