/// The `fmt ` and `data` chunks of a RIFF/WAVE file, every length checked.
struct WAVChunks {
    struct Format {
        enum Encoding { case integer, float, uLaw, aLaw }

        var encoding: Encoding
        var channels: Int
        var sampleRate: Int
        var bytesPerSample: Int

        /// One sample as a float in -1...1.
        func sample(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Float {
            switch (encoding, bytesPerSample) {
            case (.uLaw, _): return Float(G711.pcmu.decode(bytes[offset])) / 32_768
            case (.aLaw, _): return Float(G711.pcma.decode(bytes[offset])) / 32_768
            case (.integer, 1): return (Float(bytes[offset]) - 128) / 128
            case (.integer, let width):
                // Little-endian, sign-extended by placing the bytes at the top of an Int32.
                var value: UInt32 = 0
                for index in 0..<width { value |= UInt32(bytes[offset + index]) << (8 * (4 - width + index)) }
                return Float(Int32(bitPattern: value)) / 2_147_483_648
            case (.float, 4):
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
                return Float(bitPattern: bits)
            case (.float, _):
                let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
                return Float(Double(bitPattern: bits))
            }
        }
    }

    let format: Format
    let data: ArraySlice<UInt8>

    /// A `data` size at or above this is the "unknown length" of a WAV written to a pipe (espeak-ng,
    /// sox): the data then runs to the end of the file.
    private static let streamingDataSize = 0x7FFF_0000

    init(_ bytes: [UInt8]) throws(AudioFile.DecodingError) {
        func text(_ at: Int) -> String { String(decoding: bytes[at..<(at + 4)], as: UTF8.self) }
        func integer(_ at: Int, _ width: Int) -> Int {
            (0..<width).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
        }
        guard bytes.count >= 12, text(0) == "RIFF", text(8) == "WAVE" else { throw .notRIFFWAVE }
        var format: Format?
        var offset = 12
        while offset + 8 <= bytes.count {
            let name = text(offset)
            let size = integer(offset + 4, 4)
            let body = offset + 8
            if name == "data" {
                guard let format else { throw .missingChunk("fmt ") }
                let end: Int
                if body + size <= bytes.count {
                    end = body + size
                } else if size >= Self.streamingDataSize {
                    end = bytes.count
                } else {
                    throw .truncated
                }
                let frameBytes = format.channels * format.bytesPerSample
                self.format = format
                self.data = bytes[body..<(body + (end - body) / frameBytes * frameBytes)]
                return
            }
            guard body + size <= bytes.count else { throw .truncated }
            if name == "fmt " { format = try Self.format(bytes[body..<(body + size)], integer) }
            offset = body + size + size % 2
        }
        throw format == nil ? .missingChunk("fmt ") : .missingChunk("data")
    }

    private static func format(
        _ chunk: ArraySlice<UInt8>, _ integer: (Int, Int) -> Int
    ) throws(AudioFile.DecodingError) -> Format {
        guard chunk.count >= 16 else { throw .truncated }
        let at = chunk.startIndex
        var tag = integer(at, 2)
        let channels = integer(at + 2, 2)
        let sampleRate = integer(at + 4, 4)
        let bits = integer(at + 14, 2)
        if tag == 0xFFFE {
            // WAVE_FORMAT_EXTENSIBLE: the real format tag leads the sub-format GUID.
            guard chunk.count >= 40 else { throw .truncated }
            tag = integer(at + 24, 2)
        }
        guard channels >= 1, channels <= 32 else { throw .invalidFormat("\(channels) channels") }
        guard sampleRate >= 1_000, sampleRate <= 384_000 else { throw .invalidFormat("sample rate \(sampleRate)") }
        let encoding: Format.Encoding
        switch (tag, bits) {
        case (1, 8), (1, 16), (1, 24), (1, 32): encoding = .integer
        case (3, 32), (3, 64): encoding = .float
        case (6, 8): encoding = .aLaw
        case (7, 8): encoding = .uLaw
        default: throw .unsupportedFormat(tag: tag, bitsPerSample: bits)
        }
        return Format(encoding: encoding, channels: channels, sampleRate: sampleRate, bytesPerSample: bits / 8)
    }
}
