import Foundation
import NIOCore
import Synchronization

/// A recording of one conference's audio in progress (started by `RTPEngine.record`).
public final class ConferenceRecorder: Sendable {
    /// A finished recording.
    public struct Recording: Sendable, Hashable {
        /// The WAV file: 8 kHz, 16-bit, one channel or one per leg.
        public var url: URL
        public var duration: Duration
        public var channels: Int
    }

    private let tap: NIOLoopBound<RecordingTap>
    private let mediaLoop: NIOLoopBoundBox<MediaLoop>
    private let conference: String
    private let writer: WAVFileWriter
    private let release: @Sendable () -> Void
    private let stopped = Mutex(false)

    init(
        tap: NIOLoopBound<RecordingTap>, mediaLoop: NIOLoopBoundBox<MediaLoop>, conference: String,
        writer: WAVFileWriter, release: @escaping @Sendable () -> Void
    ) {
        self.tap = tap
        self.mediaLoop = mediaLoop
        self.conference = conference
        self.writer = writer
        self.release = release
    }

    /// Stops recording and completes the file; a second call throws `RTPError.closed`.
    public func stop() async throws -> Recording {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { throw RTPError.closed }
        defer { release() }
        let eventLoop = mediaLoop.eventLoop
        try await eventLoop.submit { [tap, mediaLoop, conference] in
            mediaLoop.value.remove(tap.value, conference: conference)
            tap.value.flush()
        }.get()
        let frames = try await writer.finish()
        let duration = Duration.nanoseconds(Int64(frames) * 1_000_000_000 / Int64(writer.sampleRate))
        return Recording(url: writer.url, duration: duration, channels: writer.channels)
    }
}
