import Foundation

/// Decoding of prompt files into 8 kHz mono prompts.
public enum AudioFile {
    /// Why a file is not a usable prompt.
    public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        case notRIFFWAVE
        case missingChunk(String)
        case truncated
        case unsupportedFormat(tag: Int, bitsPerSample: Int)
        case invalidFormat(String)
        case tooLarge(bytes: Int, limit: Int)
        case tooLong(seconds: Double, limit: Double)

        public var description: String {
            switch self {
            case .notRIFFWAVE: "not a WAV file (no RIFF/WAVE header)"
            case .missingChunk(let name): "WAV file without a \"\(name)\" chunk"
            case .truncated: "WAV file truncated"
            case .unsupportedFormat(let tag, let bits):
                "unsupported WAV encoding (format tag \(tag), \(bits) bits per sample)"
            case .invalidFormat(let reason): "invalid WAV format: \(reason)"
            case .tooLarge(let bytes, let limit): "audio file of \(bytes) bytes exceeds the limit of \(limit)"
            case .tooLong(let seconds, let limit): "audio of \(seconds) s exceeds the limit of \(limit) s"
            }
        }
    }

    /// Files larger than this are refused before decoding.
    public static let maximumBytes = 64 * 1_024 * 1_024
    /// Prompts longer than this are refused (ACS plays prompts, not programmes).
    public static let maximumSeconds = 600.0

    /// Decodes a RIFF/WAVE file: PCM 8/16/24/32-bit, IEEE float 32/64, µ-law, A-law (also in
    /// WAVE_FORMAT_EXTENSIBLE), any rate (resampled to 8 kHz) and channel count (averaged to mono).
    public static func decodeWAV(_ data: Data) throws(DecodingError) -> AudioPrompt {
        guard data.count <= maximumBytes else { throw .tooLarge(bytes: data.count, limit: maximumBytes) }
        let bytes = [UInt8](data)
        let wav = try WAVChunks(bytes)
        let format = wav.format
        let frameBytes = format.channels * format.bytesPerSample
        let frames = wav.data.count / frameBytes
        let seconds = Double(frames) / Double(format.sampleRate)
        guard seconds <= maximumSeconds else { throw .tooLong(seconds: seconds, limit: maximumSeconds) }
        var mono = [Float](repeating: 0, count: frames)
        let scale = 1 / Float(format.channels)
        wav.data.withUnsafeBufferPointer { samples in
            for frame in 0..<frames {
                var sum: Float = 0
                for channel in 0..<format.channels {
                    sum += format.sample(samples, at: frame * frameBytes + channel * format.bytesPerSample)
                }
                mono[frame] = sum * scale
            }
        }
        let resampled = Resampler.resample(mono, from: format.sampleRate, to: AudioPrompt.sampleRate)
        return AudioPrompt(samples: resampled.map { Int16(clamping: Int(($0 * 32_768).rounded())) })
    }
}
