import Foundation

/// Band-limited sample-rate conversion by windowed sinc (Blackman window, 16 zero crossings each
/// side): when going down, the cut-off sits just below the new Nyquist frequency, so 44.1 kHz music
/// does not alias into the 4 kHz of a phone line.
enum Resampler {
    static let zeroCrossings = 16.0
    /// Fraction of the output Nyquist frequency kept: the transition band lies above it.
    static let passband = 0.92

    static func resample(_ input: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        guard inputRate != outputRate, !input.isEmpty else { return input }
        let step = Double(inputRate) / Double(outputRate)
        // The cut-off as a fraction of the input's Nyquist frequency.
        let cutoff = min(1.0, 1.0 / step) * passband
        let halfWidth = zeroCrossings / cutoff
        let outputCount = Int((Double(input.count) / step).rounded())
        var output = [Float](repeating: 0, count: outputCount)
        input.withUnsafeBufferPointer { samples in
            for index in 0..<outputCount {
                let center = Double(index) * step
                let first = max(0, Int((center - halfWidth).rounded(.up)))
                let last = min(samples.count - 1, Int((center + halfWidth).rounded(.down)))
                guard first <= last else { continue }
                var sum = 0.0
                for k in first...last {
                    let x = Double(k) - center
                    sum += Double(samples[k]) * kernel(x, cutoff: cutoff, halfWidth: halfWidth)
                }
                output[index] = Float(sum)
            }
        }
        return output
    }

    private static func kernel(_ x: Double, cutoff: Double, halfWidth: Double) -> Double {
        let sinc = x == 0 ? 1.0 : sin(Double.pi * cutoff * x) / (Double.pi * cutoff * x)
        let phase = Double.pi * (x / halfWidth + 1)
        let window = 0.42 - 0.5 * cos(phase) + 0.08 * cos(2 * phase)
        return cutoff * sinc * window
    }
}
