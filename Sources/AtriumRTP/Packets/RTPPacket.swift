import NIOCore

/// One RTP packet (RFC 3550 §5.1): the fixed header's fields a media engine acts on and the payload.
///
/// Contributing sources, header extensions and padding are skipped on parsing (a mixer that speaks for
/// others may send them; nothing here needs them) and never written.
public struct RTPPacket: Sendable, Hashable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var payload: [UInt8]

    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        payload: [UInt8]
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.payload = payload
    }

    /// Why a datagram is not an RTP packet.
    public enum Malformed: Error, Sendable, Equatable {
        case shorterThanHeader(Int)
        case version(UInt8)
        case contributingSourcesBeyondEnd(count: Int)
        case extensionBeyondEnd(words: Int)
        case paddingBeyondEnd(Int)
    }

    static let headerLength = 12

    /// Parses a datagram; every length it reads is checked against what is there.
    public init(parsing buffer: ByteBuffer) throws(Malformed) {
        let bytes = buffer.readableBytesView
        guard bytes.count >= Self.headerLength else { throw .shorterThanHeader(bytes.count) }
        let base = bytes.startIndex
        let first = bytes[base]
        let second = bytes[base + 1]
        guard first >> 6 == 2 else { throw .version(first >> 6) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let contributingSources = Int(first & 0x0F)
        var offset = Self.headerLength + 4 * contributingSources
        guard offset <= bytes.count else { throw .contributingSourcesBeyondEnd(count: contributingSources) }
        if hasExtension {
            guard offset + 4 <= bytes.count else { throw .extensionBeyondEnd(words: 0) }
            let words = Int(bytes[base + offset + 2]) << 8 | Int(bytes[base + offset + 3])
            offset += 4 + 4 * words
            guard offset <= bytes.count else { throw .extensionBeyondEnd(words: words) }
        }
        var end = bytes.count
        if hasPadding {
            let padding = Int(bytes[base + end - 1])
            guard padding >= 1, offset + padding <= end else { throw .paddingBeyondEnd(padding) }
            end -= padding
        }
        func word32(_ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[base + at + $1]) }
        }
        self.marker = second & 0x80 != 0
        self.payloadType = second & 0x7F
        self.sequenceNumber = UInt16(bytes[base + 2]) << 8 | UInt16(bytes[base + 3])
        self.timestamp = word32(4)
        self.ssrc = word32(8)
        self.payload = Array(bytes[(base + offset)..<(base + end)])
    }

    /// Writes the packet (version 2, no padding, extension or contributing sources).
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger((marker ? 0x80 : 0) | payloadType & 0x7F)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        buffer.writeBytes(payload)
    }
}
