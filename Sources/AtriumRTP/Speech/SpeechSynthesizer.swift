import Foundation

/// Text to speech with espeak-ng, run as a subprocess (`espeak-ng --stdout`, `-m` for SSML), bounded
/// in time and output; its 22.05 kHz WAV is resampled to an 8 kHz prompt.
public struct SpeechSynthesizer: Sendable {
    /// Why no speech came out.
    public enum SynthesisError: Error, Sendable, Equatable, CustomStringConvertible {
        case textTooLong(characters: Int, limit: Int)
        case invalidVoice(String)
        case synthesizerUnavailable(String)
        case timedOut(Duration)
        case outputTooLarge(limit: Int)
        case failed(status: Int32, message: String)
        case undecodableOutput(AudioFile.DecodingError)
        case noSpeech

        public var description: String {
            switch self {
            case .textTooLong(let characters, let limit): "text of \(characters) characters exceeds \(limit)"
            case .invalidVoice(let voice): "invalid voice name \"\(voice)\""
            case .synthesizerUnavailable(let reason): "espeak-ng cannot run: \(reason)"
            case .timedOut(let timeout): "espeak-ng took longer than \(timeout)"
            case .outputTooLarge(let limit): "espeak-ng wrote more than \(limit) bytes"
            case .failed(let status, let message): "espeak-ng failed (status \(status)): \(message)"
            case .undecodableOutput(let error): "espeak-ng output unreadable: \(error)"
            case .noSpeech: "espeak-ng produced no audio"
            }
        }
    }

    public var executable: URL
    public var timeout: Duration
    public var maximumOutputBytes: Int
    public var maximumCharacters: Int

    public init(
        executable: URL = URL(fileURLWithPath: "/usr/bin/espeak-ng"), timeout: Duration = .seconds(20),
        maximumOutputBytes: Int = 32 * 1_024 * 1_024, maximumCharacters: Int = 16_384
    ) {
        self.executable = executable
        self.timeout = timeout
        self.maximumOutputBytes = maximumOutputBytes
        self.maximumCharacters = maximumCharacters
    }

    /// Speaks plain text in an espeak-ng voice (nil: `en-us`).
    public func speak(text: String, voice: String?) async throws(SynthesisError) -> AudioPrompt {
        try await synthesize(text, voice: voice, ssml: false)
    }

    /// Speaks an SSML document (`<speak>…</speak>`: breaks, prosody, say-as as espeak-ng supports them).
    public func speak(ssml: String, voice: String?) async throws(SynthesisError) -> AudioPrompt {
        try await synthesize(ssml, voice: voice, ssml: true)
    }

    private func synthesize(_ input: String, voice: String?, ssml: Bool) async throws(SynthesisError) -> AudioPrompt {
        guard input.count <= maximumCharacters else {
            throw .textTooLong(characters: input.count, limit: maximumCharacters)
        }
        let voice = voice ?? "en-us"
        // A voice is a name, never an option: it goes on the command line.
        guard !voice.isEmpty, !voice.hasPrefix("-"),
            voice.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_+".contains($0)) })
        else { throw .invalidVoice(voice) }
        // "--" ends the options: text beginning with "-" is spoken, not parsed.
        let arguments = ["--stdout", "-v", voice] + (ssml ? ["-m"] : []) + ["--", input]
        let process = BoundedProcess(
            executable: executable, arguments: arguments, timeout: timeout, maximumOutputBytes: maximumOutputBytes)
        let output: BoundedProcess.Output
        do {
            output = try await process.run()
        } catch BoundedProcess.Failure.launch(let reason) {
            throw .synthesizerUnavailable(reason)
        } catch BoundedProcess.Failure.timedOut {
            throw .timedOut(timeout)
        } catch {
            throw .outputTooLarge(limit: maximumOutputBytes)
        }
        guard output.status == 0, !output.standardError.contains("does not exist") else {
            throw .failed(status: output.status, message: output.standardError)
        }
        let prompt: AudioPrompt
        do {
            prompt = try AudioFile.decodeWAV(output.standardOutput)
        } catch {
            throw .undecodableOutput(error)
        }
        guard !prompt.samples.isEmpty else { throw .noSpeech }
        return prompt
    }
}
