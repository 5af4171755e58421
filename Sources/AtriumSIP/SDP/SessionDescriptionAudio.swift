/// The media direction of a stream (RFC 3264 §6.1); hold is `sendonly` (or `inactive`), unhold `sendrecv`.
public enum MediaDirection: String, Sendable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive
}

/// The G.711 codecs this user agent offers, by their static RTP payload type.
public enum G711Codec: Int, Sendable {
    case pcmu = 0
    case pcma = 8
}

extension SessionDescription {
    /// The payload type offered for RFC 4733 telephone-events: 101, the value carriers expect.
    public static let offeredTelephoneEventPayloadType = 101

    /// An audio offer: PCMU, PCMA and telephone-event/8000 (events 0-16) in 20 ms packets.
    public static func offer(
        address: String, port: Int, sessionId: UInt64, direction: MediaDirection = .sendrecv
    ) -> SessionDescription {
        let event = offeredTelephoneEventPayloadType
        let audio = Media(
            kind: "audio", port: port, proto: "RTP/AVP", formats: ["0", "8", "\(event)"],
            attributes: [
                "rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000", "rtpmap:\(event) telephone-event/8000",
                "fmtp:\(event) 0-16", "ptime:20", direction.rawValue,
            ])
        return SessionDescription(
            origin: Origin(sessionId: sessionId, sessionVersion: 1, address: address), sessionName: "Atrium",
            connectionAddress: address, media: [audio])
    }

    /// The first audio stream the description does not reject (port 0 rejects).
    public var audio: Media? {
        media.first { $0.kind == "audio" && $0.port != 0 }
    }

    /// Where the far end receives RTP: the audio section's `c=` address, else the session's.
    public var remoteAddress: String? {
        audio?.connectionAddress ?? connectionAddress
    }

    /// The far end's RTP port, nil when audio is missing or rejected.
    public var audioPort: Int? { audio?.port }

    /// The codec the answer chose: the first payload type of its audio line that is one we offer (0 or 8).
    public var codec: G711Codec? {
        audio?.formats.lazy.compactMap { Int($0).flatMap(G711Codec.init(rawValue:)) }.first
    }

    /// The telephone-event payload type as this description maps it (an answer may use another than 101).
    public var telephoneEventPayloadType: Int? {
        guard let audio else { return nil }
        for attribute in audio.attributes where attribute.lowercased().hasPrefix("rtpmap:") {
            let fields = attribute.dropFirst("rtpmap:".count).split(separator: " ", maxSplits: 1)
            guard fields.count == 2, fields[1].lowercased().hasPrefix("telephone-event/8000"),
                let payloadType = Int(fields[0]), audio.formats.contains(String(payloadType))
            else { continue }
            return payloadType
        }
        return nil
    }

    /// The packet time asked for (`a=ptime`), in milliseconds.
    public var packetTime: Int? {
        audio?.attributes.lazy.compactMap { attribute in
            attribute.hasPrefix("ptime:") ? Int(attribute.dropFirst("ptime:".count).trimmingSIPWhitespace()) : nil
        }.first
    }

    /// The audio stream's direction: its own attribute, else the session's, else `sendrecv` (RFC 3264 §5.1).
    public var direction: MediaDirection {
        let mediaLevel = audio?.attributes.lazy.compactMap(MediaDirection.init(rawValue:)).first
        return mediaLevel ?? attributes.lazy.compactMap(MediaDirection.init(rawValue:)).first ?? .sendrecv
    }

    /// The same description with the audio stream's direction changed and the version bumped: the next offer.
    public func reoffer(direction: MediaDirection) -> SessionDescription {
        var next = self
        next.origin.sessionVersion &+= 1
        next.attributes.removeAll { MediaDirection(rawValue: $0) != nil }
        for index in next.media.indices where next.media[index].kind == "audio" {
            next.media[index].attributes.removeAll { MediaDirection(rawValue: $0) != nil }
            next.media[index].attributes.append(direction.rawValue)
        }
        return next
    }
}
