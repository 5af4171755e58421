import Testing

@testable import AtriumRTP

@Suite("Jitter buffer")
struct JitterBufferTests {
    private func frame(_ value: Int16, count: Int = 160) -> [Int16] { [Int16](repeating: value, count: count) }

    @Test("packets arriving out of order play in timestamp order")
    func reorders() {
        var buffer = JitterBuffer()
        let order = [0, 2, 1, 4, 3, 5]
        for index in order {
            let outcome = buffer.insert(
                timestamp: 1_000 + UInt32(index * 160), sequenceNumber: UInt16(index), samples: frame(Int16(index + 1)))
            #expect(outcome == .accepted)
        }
        let played = (0..<6).compactMap { _ in buffer.pull()?.first }
        #expect(played == [1, 2, 3, 4, 5, 6])
    }

    @Test("a late packet and a duplicate are dropped; a gap is silence")
    func lateDuplicateAndGap() {
        var buffer = JitterBuffer()
        for index in [0, 1, 2] {
            _ = buffer.insert(timestamp: UInt32(index * 160), sequenceNumber: UInt16(index), samples: frame(7))
        }
        #expect(buffer.insert(timestamp: 160, sequenceNumber: 1, samples: frame(7)) == .duplicate)
        #expect(buffer.pull() == frame(7))
        #expect(buffer.pull() == frame(7))
        #expect(buffer.insert(timestamp: 0, sequenceNumber: 0, samples: frame(7)) == .late)
        #expect(buffer.pull() == frame(7))
        // Sequence 3 lost, 4 arrives: the frame of 3 is silence, then 4 plays.
        #expect(buffer.insert(timestamp: 640, sequenceNumber: 4, samples: frame(9)) == .accepted)
        #expect(buffer.pull() == nil)
        #expect(buffer.pull() == frame(9))
    }

    @Test("wrapping timestamps and sequence numbers are in order")
    func wraps() {
        var buffer = JitterBuffer()
        let start = UInt32.max - 159
        for index in 0..<3 {
            _ = buffer.insert(
                timestamp: start &+ UInt32(index * 160), sequenceNumber: UInt16.max &+ UInt16(index),
                samples: frame(Int16(index + 1)))
        }
        #expect((0..<3).compactMap { _ in buffer.pull()?.first } == [1, 2, 3])
    }

    @Test("30 ms packets are cut into 20 ms frames")
    func otherPacketTimes() {
        var buffer = JitterBuffer()
        for index in 0..<4 {
            _ = buffer.insert(
                timestamp: UInt32(index * 240), sequenceNumber: UInt16(index), samples: frame(5, count: 240))
        }
        let played = (0..<6).map { _ in buffer.pull() }
        #expect(played.allSatisfy { $0 == frame(5) })
    }

    @Test("a single short burst is played after a few ticks, not held forever")
    func shortBurst() {
        var buffer = JitterBuffer()
        _ = buffer.insert(timestamp: 0, sequenceNumber: 0, samples: frame(3))
        #expect(buffer.pull() == nil)
        #expect(buffer.pull() == nil)
        #expect(buffer.pull() == frame(3))
    }

    @Test("a telephone-event tone is reported once, on its end, however many end packets")
    func telephoneEvents() {
        var receiver = TelephoneEventReceiver()
        var digits: [Character] = []
        for duration in stride(from: 0, through: 1_920, by: 320) {
            if let digit = receiver.receive(
                TelephoneEvent(event: 1, isEnd: false, duration: UInt16(duration)), timestamp: 13_280)
            {
                digits.append(digit)
            }
        }
        for _ in 0..<3 {
            if let digit = receiver.receive(TelephoneEvent(event: 1, isEnd: true, duration: 2_240), timestamp: 13_280) {
                digits.append(digit)
            }
        }
        if let digit = receiver.receive(TelephoneEvent(event: 1, isEnd: true, duration: 800), timestamp: 14_000) {
            digits.append(digit)
        }
        #expect(digits == ["1", "1"])
    }
}
