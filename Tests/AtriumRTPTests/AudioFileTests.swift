import AtriumRTP
import Foundation
import Testing

@Suite("WAV prompts", .timeLimit(.minutes(2)))
struct AudioFileTests {
    private static let sox = Tool.path("sox")

    /// A 1.5 s 440 Hz tone made by sox in the given format.
    private func soxFile(rate: Int, bits: Int, channels: Int, encoding: String = "signed-integer") throws -> Data {
        let url = Signal.temporaryURL("tone.wav")
        defer { try? FileManager.default.removeItem(at: url) }
        try Tool.run(
            "sox",
            [
                "-n", "-r", "\(rate)", "-c", "\(channels)", "-b", "\(bits)", "-e", encoding, url.path,
                "synth", "1.5", "sine", "440", "vol", "0.5",
            ])
        return try Data(contentsOf: url)
    }

    @Test(
        "files made by sox decode to 8 kHz mono of the right duration and level",
        .enabled(if: sox != nil, "sox is not installed (apt-get install sox): WAV files cannot be made"),
        arguments: [8_000, 16_000, 22_050, 44_100, 48_000], [(8, 1), (16, 1), (24, 2), (16, 2)])
    func soxFiles(rate: Int, layout: (bits: Int, channels: Int)) throws {
        let prompt = try AudioFile.decodeWAV(soxFile(rate: rate, bits: layout.bits, channels: layout.channels))
        #expect(abs(prompt.samples.count - 12_000) <= 80, "\(prompt.samples.count) samples")
        #expect(gap(prompt.duration, .milliseconds(1_500)) <= .milliseconds(10))
        // Half of full scale: RMS 0.5 × 32768 / √2, away from the resampler's edges.
        let level = Signal.rms(prompt.samples[400..<11_600])
        #expect(abs(level - 11_585) < 600, "RMS \(level)")
        #expect(Signal.power(of: 440, in: prompt.samples) > 100 * Signal.power(of: 1_000, in: prompt.samples))
    }

    @Test(
        "float, µ-law and A-law files decode too",
        .enabled(if: sox != nil, "sox is not installed (apt-get install sox)"),
        arguments: [(32, "floating-point"), (8, "u-law"), (8, "a-law")])
    func otherEncodings(format: (bits: Int, encoding: String)) throws {
        let prompt = try AudioFile.decodeWAV(
            soxFile(rate: 16_000, bits: format.bits, channels: 1, encoding: format.encoding))
        #expect(gap(prompt.duration, .milliseconds(1_500)) <= .milliseconds(10))
        #expect(abs(Signal.rms(prompt.samples[400..<11_600]) - 11_585) < 600)
    }

    @Test("resampling filters what the phone line cannot carry instead of aliasing it")
    func antiAliasing() throws {
        // 6 kHz at 44.1 kHz: without a low-pass it would fold to 2 kHz at 8 kHz.
        let rate = 44_100
        let samples = Signal.sine(frequency: 6_000, seconds: 1, amplitude: 16_000, rate: Double(rate))
        let prompt = try AudioFile.decodeWAV(Self.wav(samples, rate: rate))
        #expect(Signal.rms(prompt.samples[200..<7_800]) < 16_000 / 1.414 * 0.01)
        let kept = try AudioFile.decodeWAV(
            Self.wav(Signal.sine(frequency: 3_000, seconds: 1, amplitude: 16_000, rate: Double(rate)), rate: rate))
        #expect(Signal.rms(kept.samples[200..<7_800]) > 16_000 / 1.414 * 0.9)
    }

    @Test("what is not a usable WAV file is refused with the reason")
    func refusals() throws {
        let good = Self.wav(Signal.sine(frequency: 400, seconds: 0.1), rate: 8_000)
        #expect(throws: AudioFile.DecodingError.notRIFFWAVE) { try AudioFile.decodeWAV(Data("ID3 not a wav".utf8)) }
        #expect(throws: AudioFile.DecodingError.truncated) { try AudioFile.decodeWAV(good.prefix(600)) }
        #expect(throws: AudioFile.DecodingError.truncated) { try AudioFile.decodeWAV(good.prefix(30)) }
        var adpcm = good
        adpcm[20] = 0x11  // IMA ADPCM
        #expect(throws: AudioFile.DecodingError.unsupportedFormat(tag: 0x11, bitsPerSample: 16)) {
            try AudioFile.decodeWAV(adpcm)
        }
        var noChannels = good
        noChannels[22] = 0
        #expect(throws: AudioFile.DecodingError.invalidFormat("0 channels")) { try AudioFile.decodeWAV(noChannels) }
        let huge = Data(count: AudioFile.maximumBytes + 1)
        #expect(throws: AudioFile.DecodingError.tooLarge(bytes: huge.count, limit: AudioFile.maximumBytes)) {
            try AudioFile.decodeWAV(huge)
        }
        // 11 minutes of 8 kHz 8-bit µ-law fits in the byte limit but not in the duration limit.
        var long = Self.header(rate: 8_000, bits: 8, tag: 7, dataBytes: 8_000 * 660)
        long.append(Data(repeating: 0xFF, count: 8_000 * 660))
        #expect(throws: AudioFile.DecodingError.tooLong(seconds: 660, limit: AudioFile.maximumSeconds)) {
            try AudioFile.decodeWAV(long)
        }
    }

    @Test("a WAV written to a pipe (data size unknown) runs to the end of the file")
    func streamedSize() throws {
        var data = Self.header(rate: 8_000, bits: 16, tag: 1, dataBytes: 0x7FFF_F000)
        data.append(Self.wav(Signal.sine(frequency: 400, seconds: 0.5), rate: 8_000).dropFirst(44))
        #expect(try AudioFile.decodeWAV(data).samples.count == 4_000)
    }

    static func header(rate: Int, bits: Int, tag: Int, dataBytes: Int) -> Data {
        var data = Data("RIFF".utf8)
        func append(_ value: Int, _ width: Int) {
            for index in 0..<width { data.append(UInt8((value >> (8 * index)) & 0xFF)) }
        }
        append(36 + dataBytes, 4)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(16, 4)
        append(tag, 2)
        append(1, 2)
        append(rate, 4)
        append(rate * bits / 8, 4)
        append(bits / 8, 2)
        append(bits, 2)
        data.append(contentsOf: Array("data".utf8))
        append(dataBytes, 4)
        return data
    }

    static func wav(_ samples: [Int16], rate: Int) -> Data {
        var data = header(rate: rate, bits: 16, tag: 1, dataBytes: samples.count * 2)
        for sample in samples {
            data.append(contentsOf: [UInt8(UInt16(bitPattern: sample) & 0xFF), UInt8(UInt16(bitPattern: sample) >> 8)])
        }
        return data
    }
}
