import Testing

@testable import AtriumRTP

@Suite("G.711")
struct G711Tests {
    @Test("the reference values of the recommendation's tables")
    func referenceValues() {
        #expect(G711.pcmu.encode([0]) == [0xFF])
        #expect(G711.pcmu.decode([0x00, 0x80, 0xFF, 0x7F]) == [-32_124, 32_124, 0, 0])
        #expect(G711.pcma.encode([0]) == [0xD5])
        #expect(G711.pcma.decode([0xD5, 0x55, 0xAA, 0x2A]) == [8, -8, 32_256, -32_256])
        #expect(G711.pcmu.encode([Int16.max, Int16.min]) == [0x80, 0x00])
        #expect(G711.pcma.encode([Int16.max, Int16.min]) == [0xAA, 0x2A])
    }

    @Test("every code decodes to a value that encodes back to it", arguments: [G711.pcmu, .pcma])
    func roundTrip(codec: G711) {
        let codes = (UInt8.min...UInt8.max).filter { !(codec == .pcmu && $0 == 0x7F) }
        let mismatched = codes.filter { codec.encode(codec.decode([$0])) != [$0] }
        #expect(mismatched.isEmpty)
    }

    @Test("quantisation error stays within half a step of the segment", arguments: [G711.pcmu, .pcma])
    func quantisation(codec: G711) {
        let samples = Array(stride(from: -32_000, through: 32_000, by: 7)).map(Int16.init)
        let decoded = codec.decode(codec.encode(samples))
        // A segment's step is 1/16 of its range: the error stays under half of it, plus the smallest step.
        let outliers = zip(samples, decoded).filter { abs(Int($1) - Int($0)) > max(16, abs(Int($0)) / 16 + 8) }
        #expect(outliers.isEmpty, "\(outliers.prefix(5))")
    }

    @Test("payload types are the static ones of RFC 3551")
    func payloadTypes() {
        #expect(G711.pcmu.payloadType == 0)
        #expect(G711.pcma.payloadType == 8)
        #expect(G711(payloadType: 8) == .pcma)
        #expect(G711(payloadType: 101) == nil)
    }
}
