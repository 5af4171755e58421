import AtriumRTP
import Foundation
import Synchronization
import Testing

@Suite("Audio between legs on loopback", .timeLimit(.minutes(1)))
struct LoopbackAudioTests {
    @Test("a prompt played on one leg arrives at the other with its energy and length", arguments: [G711.pcmu, .pcma])
    func promptArrives(codec: G711) async throws {
        let fixture = EngineFixture()
        let url = Signal.temporaryURL("received.wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let tone = Signal.sine(frequency: 1_000, seconds: 1)
        let recording = try await withTimeout(10) {
            let (sender, receiver) = try await fixture.connectedPair(codec: codec)
            let recorder = try await fixture.engine.record(
                conference: receiver.conference, to: url, channels: .unmixed(channels: 1))
            let firstPacket = FirstPacket()
            try await sender.play(AudioPrompt(samples: tone)) { firstPacket.mark() }
            #expect(firstPacket.marked)
            // The receiver's jitter buffer still holds the end of the prompt.
            try await Task.sleep(for: .milliseconds(500))
            let statistics = sender.statistics
            #expect(statistics.packetsSent >= 50)
            #expect(receiver.statistics.packetsReceived >= 50)
            return try await recorder.stop()
        }
        await fixture.close()
        let received = try AudioFile.decodeWAV(Data(contentsOf: url)).samples
        let span = try #require(Signal.audibleSpan(received))
        #expect(abs(span.count - tone.count) <= 160, "audible for \(span.count) samples, sent \(tone.count)")
        let sentLevel = Signal.rms(tone)
        let receivedLevel = Signal.rms(received[span])
        #expect(abs(receivedLevel - sentLevel) / sentLevel < 0.05, "RMS \(receivedLevel) vs \(sentLevel)")
        #expect(Signal.power(of: 1_000, in: received[span]) > 100 * Signal.power(of: 2_000, in: received[span]))
        #expect(recording.duration > .milliseconds(1_000))
    }

    @Test("three legs in a conference each hear the two others, never themselves")
    func mixing() async throws {
        let fixture = EngineFixture()
        let urls = (0..<3).map { Signal.temporaryURL("heard-\($0).wav") }
        defer { for url in urls { try? FileManager.default.removeItem(at: url) } }
        let frequencies = [500.0, 1_100.0, 1_700.0]
        try await withTimeout(15) {
            // Each phone is a leg of its own conference, connected to its leg in the shared one.
            var phones: [RTPLeg] = []
            for index in 0..<3 {
                let phone = try await fixture.engine.openLeg(conference: "phone-\(index)")
                let member = try await fixture.engine.openLeg(conference: "room")
                try phone.connect(
                    to: RTPRemote(
                        host: "127.0.0.1", port: member.localPort, codec: .pcmu, telephoneEventPayloadType: nil))
                try member.connect(
                    to: RTPRemote(
                        host: "127.0.0.1", port: phone.localPort, codec: .pcmu, telephoneEventPayloadType: nil))
                phones.append(phone)
            }
            var recorders: [ConferenceRecorder] = []
            for index in 0..<3 {
                recorders.append(
                    try await fixture.engine.record(
                        conference: "phone-\(index)", to: urls[index], channels: .unmixed(channels: 1)))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (phone, frequency) in zip(phones, frequencies) {
                    group.addTask {
                        try await phone.play(
                            AudioPrompt(samples: Signal.sine(frequency: frequency, seconds: 1, amplitude: 6_000))
                        ) {}
                    }
                }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(200))
            for recorder in recorders { _ = try await recorder.stop() }
        }
        await fixture.close()
        for (index, url) in urls.enumerated() {
            let heard = try AudioFile.decodeWAV(Data(contentsOf: url)).samples
            let span = try #require(Signal.audibleSpan(heard))
            let powers = frequencies.map { Signal.power(of: $0, in: heard[span]) }
            for (other, power) in powers.enumerated() where other != index {
                #expect(power > 100 * powers[index], "phone \(index) hears phone \(other)")
            }
        }
    }

    @Test("on hold a leg sends nothing and its prompt waits; unheld, the prompt completes")
    func hold() async throws {
        let fixture = EngineFixture()
        try await withTimeout(10) {
            let (first, second) = try await fixture.connectedPair()
            try await Task.sleep(for: .milliseconds(100))
            first.hold(true)
            try await Task.sleep(for: .milliseconds(60))
            let sentBefore = first.statistics.packetsSent
            let playing = Task {
                try await first.play(AudioPrompt(samples: Signal.sine(frequency: 400, seconds: 0.2))) {}
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(first.statistics.packetsSent == sentBefore)
            first.hold(false)
            try await playing.value
            #expect(first.statistics.packetsSent >= sentBefore + 10)
            #expect(second.statistics.packetsReceived > 0)
        }
        await fixture.close()
    }

    @Test("stopPlaying and task cancellation end a play with CancellationError")
    func stopping() async throws {
        let fixture = EngineFixture()
        try await withTimeout(10) {
            let (leg, _) = try await fixture.connectedPair()
            let long = AudioPrompt(samples: Signal.sine(frequency: 400, seconds: 30))
            let stopped = Task { try await leg.play(long) {} }
            try await Task.sleep(for: .milliseconds(100))
            leg.stopPlaying()
            await #expect(throws: CancellationError.self) { try await stopped.value }
            let cancelled = Task { try await leg.play(long) {} }
            try await Task.sleep(for: .milliseconds(100))
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            let closing = Task { try await leg.play(long) {} }
            try await Task.sleep(for: .milliseconds(100))
            await leg.close()
            await #expect(throws: CancellationError.self) { try await closing.value }
        }
        await fixture.close()
    }

    @Test("the send clock does not drift: packets sent match the elapsed time")
    func clock() async throws {
        let fixture = EngineFixture()
        try await withTimeout(10) {
            let (leg, _) = try await fixture.connectedPair()
            let start = ContinuousClock.now
            try await Task.sleep(for: .seconds(3))
            let elapsed = ContinuousClock.now - start
            let statistics = leg.statistics
            let expected = Int(elapsed / .milliseconds(20))
            // A few ticks may be skipped when this shared machine stalls the loop (the clock re-anchors
            // rather than bursting), never more sent than the elapsed time allows.
            #expect(statistics.packetsSent <= expected + 2)
            #expect(statistics.packetsSent >= expected * 85 / 100, "\(statistics.packetsSent) packets in \(elapsed)")
            // Timing quality (jitter) depends on the machine's load: RTPLoadProbe measures it, no test asserts it.
        }
        await fixture.close()
    }
}

/// Records that `onFirstPacket` ran.
final class FirstPacket: Sendable {
    private let flag = Mutex(false)
    var marked: Bool { flag.withLock { $0 } }
    func mark() { flag.withLock { $0 = true } }
}
