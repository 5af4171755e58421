import Foundation

/// The UDP payloads of a classic pcap file of Ethernet frames (link type 1): 24-byte global header,
/// then per record a 16-byte header, 14 bytes of Ethernet, IPv4 (its header length from IHL), 8 of UDP.
enum PcapReader {
    struct Malformed: Error { var reason: String }

    static func udpPayloads(_ data: Data) throws -> [[UInt8]] {
        let bytes = [UInt8](data)
        func little32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        guard bytes.count >= 24, little32(0) == 0xA1B2_C3D4 else { throw Malformed(reason: "not a little-endian pcap") }
        guard little32(20) == 1 else { throw Malformed(reason: "link type \(little32(20)), not Ethernet") }
        var payloads: [[UInt8]] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = little32(offset + 8)
            let frame = offset + 16
            guard frame + captured <= bytes.count else { throw Malformed(reason: "record beyond the end") }
            let ip = frame + 14
            guard bytes[frame + 12] == 0x08, bytes[frame + 13] == 0x00, bytes[ip] >> 4 == 4, bytes[ip + 9] == 17 else {
                throw Malformed(reason: "not IPv4/UDP")
            }
            let udp = ip + Int(bytes[ip] & 0x0F) * 4
            let udpLength = Int(bytes[udp + 4]) << 8 | Int(bytes[udp + 5])
            payloads.append(Array(bytes[(udp + 8)..<(udp + udpLength)]))
            offset = frame + captured
        }
        return payloads
    }
}
