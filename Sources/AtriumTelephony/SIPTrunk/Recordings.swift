import AtriumRTP
import Foundation

/// The recordings this node writes, by recording id.
actor Recordings {
    struct Running: Sendable {
        let recorder: ConferenceRecorder
        let callId: String
        let name: String
        let startedAt: Date
    }

    private var running: [String: Running] = [:]

    func add(_ recordingId: String, _ recording: Running) { running[recordingId] = recording }

    /// The recording, no longer counted as running.
    func take(_ recordingId: String) -> Running? { running.removeValue(forKey: recordingId) }
}
