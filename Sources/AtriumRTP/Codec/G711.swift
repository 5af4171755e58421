/// ITU-T G.711 companding of 16-bit linear samples, the two codecs every telephone network carries.
///
/// The algorithms are the reference ones (as in Sun's `g711.c`, which implements the recommendation's
/// segment tables): µ-law clips at ±8159 on the 14-bit scale with a bias of 33, A-law works on 13 bits.
public enum G711: Sendable, Hashable {
    /// µ-law (North America, Japan): RTP static payload type 0, "PCMU/8000".
    case pcmu
    /// A-law (the rest of the world): RTP static payload type 8, "PCMA/8000".
    case pcma

    /// The static RTP payload type of RFC 3551.
    public var payloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        }
    }

    /// The codec of a static payload type, nil for any other.
    public init?(payloadType: UInt8) {
        switch payloadType {
        case 0: self = .pcmu
        case 8: self = .pcma
        default: return nil
        }
    }

    /// The silence byte: what a zero sample encodes to.
    public var silence: UInt8 {
        switch self {
        case .pcmu: 0xFF
        case .pcma: 0xD5
        }
    }

    /// Encodes linear samples, one byte each.
    public func encode(_ samples: [Int16]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: samples.count)
        encode(samples, into: &bytes)
        return bytes
    }

    /// Encodes into a buffer of the same length (no allocation: the send path's form).
    public func encode(_ samples: [Int16], into bytes: inout [UInt8]) {
        switch self {
        case .pcmu:
            for index in samples.indices { bytes[index] = Self.linearToULaw(samples[index]) }
        case .pcma:
            for index in samples.indices { bytes[index] = Self.linearToALaw(samples[index]) }
        }
    }

    /// Decodes bytes to linear samples.
    public func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Int16] {
        let table = self == .pcmu ? Self.uLawTable : Self.aLawTable
        return bytes.map { table[Int($0)] }
    }

    /// Decodes one byte.
    public func decode(_ byte: UInt8) -> Int16 {
        self == .pcmu ? Self.uLawTable[Int(byte)] : Self.aLawTable[Int(byte)]
    }

    private static let uLawSegmentEnds: [Int] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    private static let aLawSegmentEnds: [Int] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]
    private static let uLawTable: [Int16] = (0...255).map { uLawToLinear(UInt8($0)) }
    private static let aLawTable: [Int16] = (0...255).map { aLawToLinear(UInt8($0)) }

    private static func segment(of value: Int, ends: [Int]) -> Int {
        for (segment, end) in ends.enumerated() where value <= end { return segment }
        return ends.count
    }

    static func linearToULaw(_ sample: Int16) -> UInt8 {
        let clip = 8159
        let bias = 0x84 >> 2
        var value = Int(sample) >> 2
        let mask: UInt8
        if value < 0 {
            value = -value
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        value = min(value, clip) + bias
        let segment = segment(of: value, ends: uLawSegmentEnds)
        if segment >= 8 { return 0x7F ^ mask }
        let code = UInt8(segment << 4) | UInt8((value >> (segment + 1)) & 0xF)
        return code ^ mask
    }

    static func uLawToLinear(_ byte: UInt8) -> Int16 {
        let bias = 0x84
        let inverted = Int(~byte)
        var magnitude = ((inverted & 0x0F) << 3) + bias
        magnitude <<= (inverted & 0x70) >> 4
        return Int16(inverted & 0x80 != 0 ? bias - magnitude : magnitude - bias)
    }

    static func linearToALaw(_ sample: Int16) -> UInt8 {
        var value = Int(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        let segment = segment(of: value, ends: aLawSegmentEnds)
        if segment >= 8 { return 0x7F ^ mask }
        var code = UInt8(segment << 4)
        code |= UInt8((segment < 2 ? value >> 1 : value >> segment) & 0x0F)
        return code ^ mask
    }

    static func aLawToLinear(_ byte: UInt8) -> Int16 {
        let value = Int(byte ^ 0x55)
        var magnitude = (value & 0x0F) << 4
        let segment = (value & 0x70) >> 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }
}
