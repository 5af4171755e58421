import AtriumRTP
import Foundation
import Testing

@Suite("Speech by espeak-ng", .timeLimit(.minutes(1)))
struct SpeechTests {
    private static let espeak = Tool.path("espeak-ng")

    @Test(
        "text and SSML give prompts of plausible duration; the SSML break lengthens it",
        .enabled(if: espeak != nil, "espeak-ng is not installed (apt-get install espeak-ng)"))
    func speaks() async throws {
        let synthesizer = SpeechSynthesizer()
        let text = try await synthesizer.speak(text: "Your code is seven. Goodbye.", voice: "en-us")
        #expect(text.duration > .milliseconds(1_000) && text.duration < .seconds(4), "\(text.duration)")
        #expect(Signal.rms(text.samples) > 500)
        let plain = try await synthesizer.speak(ssml: "<speak>Your code is seven. Goodbye.</speak>", voice: "en-us")
        let paused = try await synthesizer.speak(
            ssml: #"<speak>Your code is seven. <break time="1500ms"/> Goodbye.</speak>"#, voice: "en-us")
        #expect(paused.duration - plain.duration > .milliseconds(1_000), "\(plain.duration) → \(paused.duration)")
        let dashed = try await synthesizer.speak(text: "-v xx is text, not an option", voice: nil)
        #expect(dashed.duration > .milliseconds(500))
        let german = try await synthesizer.speak(
            text: "Guten Tag", voice: SpeechSynthesizer.espeakVoice(forAzureVoice: "de-DE-KatjaNeural"))
        #expect(german.duration > .milliseconds(300))
    }

    @Test("bad voices, too much text, a missing program and a timeout are clear failures")
    func failures() async throws {
        let synthesizer = SpeechSynthesizer()
        await #expect(throws: SpeechSynthesizer.SynthesisError.invalidVoice("--help")) {
            try await synthesizer.speak(text: "hi", voice: "--help")
        }
        await #expect(throws: SpeechSynthesizer.SynthesisError.textTooLong(characters: 20_000, limit: 16_384)) {
            try await synthesizer.speak(text: String(repeating: "a", count: 20_000), voice: nil)
        }
        let missing = SpeechSynthesizer(executable: URL(fileURLWithPath: "/nonexistent/espeak-ng"))
        await #expect {
            try await missing.speak(text: "hi", voice: nil)
        } throws: { error in
            if case .synthesizerUnavailable = error as? SpeechSynthesizer.SynthesisError { true } else { false }
        }
        if Self.espeak != nil {
            let unknown = try? await synthesizer.speak(text: "hi", voice: "xx-nonexistent")
            #expect(unknown == nil)
            let small = SpeechSynthesizer(maximumOutputBytes: 1_000)
            await #expect(throws: SpeechSynthesizer.SynthesisError.outputTooLarge(limit: 1_000)) {
                try await small.speak(text: "a sentence long enough to exceed a thousand bytes", voice: nil)
            }
        }
        let slow = SpeechSynthesizer(executable: URL(fileURLWithPath: "/bin/sleep"), timeout: .milliseconds(300))
        let start = ContinuousClock.now
        await #expect(throws: SpeechSynthesizer.SynthesisError.self) { try await slow.speak(text: "10", voice: nil) }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test(
        "Azure voice names map to an espeak-ng voice of their language",
        arguments: [
            ("en-US-JennyNeural", "en-us"), ("en-GB-RyanNeural", "en-gb"), ("de-DE-KatjaNeural", "de"),
            ("fr-FR-DeniseNeural", "fr"), ("pt-BR-FranciscaNeural", "pt-br"), ("es-MX-DaliaNeural", "es-419"),
            ("zh-CN-XiaoxiaoNeural", "cmn"), ("xx-YY-NobodyNeural", "en-us"), ("", "en-us"),
        ])
    func voices(azure: String, espeak: String) {
        #expect(SpeechSynthesizer.espeakVoice(forAzureVoice: azure) == espeak)
    }
}
