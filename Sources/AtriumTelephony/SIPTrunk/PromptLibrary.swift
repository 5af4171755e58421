import AsyncHTTPClient
import AtriumDomain
import AtriumRTP
import Foundation
import NIOCore

/// The audio of a play's sources: files fetched from their URL (bounded in size and time, kept
/// by URL so a prompt played to every caller is fetched once) and decoded from WAV; text and SSML
/// spoken by espeak-ng (text in the voice's language).
actor PromptLibrary {
    private let http: HTTPClient
    private let synthesizer = SpeechSynthesizer()
    private var files: [String: AudioPrompt] = [:]
    /// The order files were last used in, oldest first: the cache keeps `keptFiles`.
    private var recentlyUsed: [String] = []

    static let largestFile = 16 * 1024 * 1024
    static let fetchTimeout = TimeAmount.seconds(10)
    static let keptFiles = 64

    init(http: HTTPClient) {
        self.http = http
    }

    /// The audio of the play's source `index`, or the failure ACS reports for it.
    func audio(of source: PlaySource, index: Int) async throws(PlayFailureError) -> AudioPrompt {
        switch source {
        case .file(let uri):
            return try await file(uri, index: index)
        case .text(let text, let voiceName):
            do {
                return try await synthesizer.speak(
                    text: text, voice: voiceName.map(SpeechSynthesizer.espeakVoice(forAzureVoice:)))
            } catch {
                throw PlayFailureError(.speechFailed(sourceIndex: index), cause: error)
            }
        case .ssml(let ssml):
            do {
                return try await synthesizer.speak(ssml: ssml, voice: nil)
            } catch {
                throw PlayFailureError(.speechFailed(sourceIndex: index), cause: error)
            }
        }
    }

    private func file(_ uri: String, index: Int) async throws(PlayFailureError) -> AudioPrompt {
        if let kept = files[uri] {
            use(uri)
            return kept
        }
        let data: Data
        do {
            var request = HTTPClientRequest(url: uri)
            request.method = .GET
            let response = try await http.execute(request, timeout: Self.fetchTimeout)
            guard (200..<300).contains(response.status.code) else {
                throw FetchRefused(status: Int(response.status.code))
            }
            data = Data(buffer: try await response.body.collect(upTo: Self.largestFile))
        } catch {
            throw PlayFailureError(.downloadFailed(sourceIndex: index), cause: error)
        }
        let prompt: AudioPrompt
        do {
            prompt = try AudioFile.decodeWAV(data)
        } catch {
            throw PlayFailureError(.invalidFileFormat(sourceIndex: index), cause: error)
        }
        files[uri] = prompt
        use(uri)
        return prompt
    }

    private func use(_ uri: String) {
        recentlyUsed.removeAll { $0 == uri }
        recentlyUsed.append(uri)
        while recentlyUsed.count > Self.keptFiles { files[recentlyUsed.removeFirst()] = nil }
    }

    private struct FetchRefused: Error, CustomStringConvertible {
        let status: Int
        var description: String { "the server answered \(status)" }
    }
}

/// A play source that cannot be played: what the call records, and what went wrong (for the log).
struct PlayFailureError: Error {
    let failure: PlayFailure
    let cause: any Error

    init(_ failure: PlayFailure, cause: any Error) {
        self.failure = failure
        self.cause = cause
    }
}
