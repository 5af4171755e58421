import AtriumRTP
import Foundation
import Testing

@Suite("Conference recording", .timeLimit(.minutes(1)))
struct RecorderTests {
    @Test(
        "mixed and unmixed recordings are WAV files sox reads, of the recorded duration",
        arguments: [
            RecordingChannels.mixed, .unmixed(channels: 2),
        ])
    func readableBySox(channels: RecordingChannels) async throws {
        let fixture = EngineFixture()
        let url = Signal.temporaryURL("call.wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let recording = try await withTimeout(10) {
            // Two phones into one conference; the recording is of that conference.
            let first = try await fixture.engine.openLeg(conference: "phone-1")
            let second = try await fixture.engine.openLeg(conference: "phone-2")
            let members = [
                try await fixture.engine.openLeg(conference: "call"),
                try await fixture.engine.openLeg(conference: "call"),
            ]
            for (phone, member) in zip([first, second], members) {
                try phone.connect(
                    to: RTPRemote(
                        host: "127.0.0.1", port: member.localPort, codec: .pcmu, telephoneEventPayloadType: nil))
                try member.connect(
                    to: RTPRemote(
                        host: "127.0.0.1", port: phone.localPort, codec: .pcmu, telephoneEventPayloadType: nil))
            }
            let recorder = try await fixture.engine.record(conference: "call", to: url, channels: channels)
            async let one: Void = first.play(AudioPrompt(samples: Signal.sine(frequency: 500, seconds: 0.8))) {}
            async let two: Void = second.play(AudioPrompt(samples: Signal.sine(frequency: 1_300, seconds: 0.8))) {}
            _ = try await (one, two)
            try await Task.sleep(for: .milliseconds(300))
            return try await recorder.stop()
        }
        await fixture.close()
        #expect(recording.url == url)
        #expect(recording.duration > .milliseconds(1_000) && recording.duration < .seconds(3))
        if Tool.path("sox") != nil {
            let info = try Tool.run("sox", ["--i", url.path])
            #expect(info.contains("Channels       : \(recording.channels)"))
            #expect(info.contains("Sample Rate    : 8000"))
            #expect(info.contains("16-bit"))
        }
        let samples = [UInt8](try Data(contentsOf: url)).dropFirst(44)
        let frames = samples.count / (2 * recording.channels)
        #expect(gap(.milliseconds(frames / 8), recording.duration) < .milliseconds(2))
        if case .unmixed = channels {
            // Each channel holds one phone: its tone and not the other's.
            let interleaved = stride(from: samples.startIndex, to: samples.endIndex - 1, by: 2).map {
                Int16(bitPattern: UInt16(samples[$0]) | UInt16(samples[$0 + 1]) << 8)
            }
            let left = stride(from: 0, to: interleaved.count, by: 2).map { interleaved[$0] }
            let right = stride(from: 1, to: interleaved.count, by: 2).map { interleaved[$0] }
            let leftIs500 = Signal.power(of: 500, in: left) > Signal.power(of: 1_300, in: left)
            let rightIs500 = Signal.power(of: 500, in: right) > Signal.power(of: 1_300, in: right)
            #expect(leftIs500 != rightIs500)
            #expect(Signal.rms(left) > 1_000 && Signal.rms(right) > 1_000)
        }
    }
}
