/// The recorder's side on the event loop: each tick it takes the conference's frames, lays them out
/// as the file's channels and hands a second's worth at a time to the writer.
final class RecordingTap {
    let layout: RecordingChannels
    let writer: WAVFileWriter
    private var channelOfLeg: [Int: Int] = [:]
    private var pending: [Int16] = []
    private var frame: [Int32]
    private static let ticksPerWrite = 50

    init(layout: RecordingChannels, writer: WAVFileWriter) {
        self.layout = layout
        self.writer = writer
        frame = [Int32](repeating: 0, count: LegMedia.frameSamples * layout.count)
        pending.reserveCapacity(LegMedia.frameSamples * layout.count * Self.ticksPerWrite)
    }

    func append(_ legs: [LegMedia]) {
        let channels = layout.count
        for index in frame.indices { frame[index] = 0 }
        for leg in legs {
            let channel: Int
            switch layout {
            case .mixed:
                channel = 0
                add(leg.promptFrame, channel: 0, of: channels)
            case .unmixed:
                guard leg.inbound != nil else { continue }
                channel = channelOfLeg[leg.id] ?? min(channelOfLeg.count, channels - 1)
                channelOfLeg[leg.id] = channel
            }
            add(leg.inbound, channel: channel, of: channels)
        }
        for sample in frame { pending.append(Int16(clamping: sample)) }
        if pending.count >= LegMedia.frameSamples * channels * Self.ticksPerWrite { flush() }
    }

    private func add(_ samples: [Int16]?, channel: Int, of channels: Int) {
        guard let samples else { return }
        for index in samples.indices { frame[index * channels + channel] += Int32(samples[index]) }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        writer.append(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
