import AtriumDomain

/// The request options of ACS Call Automation that Atrium does not carry out yet. Asking for one
/// (present, not null, not `false`, not empty) is a 400 naming it, never a success that quietly
/// ignored it. (The SDK sends some when not asked, as `channelAffinity: []`.)
/// Properties ACS does not define at all are still ignored, as ACS ignores them.
///
/// The field names are those of the REST specification's request definitions (ConnectRequest,
/// AddParticipantRequest, PlayRequest, TextSource, RecognizeOptions, HoldRequest,
/// StartCallRecordingRequest, …, as azure-communication-callautomation 1.6.0 sends them).
enum UnsupportedOptions {
    /// A JSON path into the request body (`recognizeOptions.choices`, `playSources[].text.x`) and
    /// what asking for it would need.
    struct Option: Sendable {
        var path: String
        var missing: String
    }

    private static let callback = Option(
        path: "operationCallbackUri",
        missing: "an operation's callbacks go to the connection's callbackUri")
    private static let customVoice = "custom neural voices are not available"

    static let connect = [
        Option(path: "mediaStreamingOptions", missing: "media streaming is not carried out yet"),
        Option(path: "transcriptionOptions", missing: "transcription is not carried out yet"),
        Option(path: "callIntelligenceOptions", missing: "Azure AI services are not connected"),
    ]
    static let addParticipant = [
        Option(path: "sourceDisplayName", missing: "caller display names are not presented to the callee"),
        Option(path: "customCallingContext", missing: "custom calling context (SIP and VoIP headers) is not sent"),
        callback,
    ]
    static let removeParticipant = [callback]
    static let cancelAddParticipant = [callback]
    static let play = [
        Option(path: "playSources[].text.customVoiceEndpointId", missing: customVoice),
        Option(path: "playSources[].ssml.customVoiceEndpointId", missing: customVoice),
        callback,
    ]
    static let recognize = [
        Option(
            path: "interruptCallMediaOperation", missing: "a recognition waits for the media operation before it"),
        Option(path: "playPrompt.text.customVoiceEndpointId", missing: customVoice),
        Option(path: "playPrompts[].text.customVoiceEndpointId", missing: customVoice),
        Option(path: "recognizeOptions.speechLanguage", missing: "speech is not recognized"),
        Option(path: "recognizeOptions.speechLanguages", missing: "speech is not recognized"),
        Option(path: "recognizeOptions.speechRecognitionModelEndpointId", missing: "speech is not recognized"),
        Option(path: "recognizeOptions.speechOptions", missing: "speech is not recognized"),
        Option(path: "recognizeOptions.choices", missing: "choices are not recognized"),
        callback,
    ]
    static let sendDtmf = [callback]
    static let continuousDtmf = [callback]
    static let hold = [
        Option(path: "playSourceInfo", missing: "music on hold is not played"),
        callback,
    ]
    static let unhold = [callback]
    static let startRecording = [
        Option(path: "audioChannelParticipantOrdering", missing: "no media is recorded, so no channels are assigned"),
        Option(path: "channelAffinity", missing: "no media is recorded, so no channels are assigned"),
        Option(path: "externalStorage", missing: "no media is recorded, so nothing is stored"),
    ]

    /// Throws a 400 naming the first option of `options` that `body` asks for.
    static func refuse(_ options: [Option], in body: JSONValue) throws {
        for option in options where asksFor(body, path: option.path[...]) {
            throw APIError.badRequest(
                "'\(option.path)' is not supported by Atrium: \(option.missing).", target: option.path)
        }
    }

    /// Whether anything at `path` below `value` is set: present, not null, not `false`, not empty.
    private static func asksFor(_ value: JSONValue, path: Substring) -> Bool {
        let (head, rest) = split(path)
        let isArray = head.hasSuffix("[]")
        let name = String(isArray ? head.dropLast(2) : head)
        guard let child = value[name] else { return false }
        let children: [JSONValue]
        if isArray, case .array(let items) = child { children = items } else { children = [child] }
        return children.contains { child in
            guard let rest else {
                switch child {
                case .null, .bool(false): return false
                case .array(let items): return !items.isEmpty
                case .object(let members): return !members.isEmpty
                default: return true
                }
            }
            return asksFor(child, path: rest)
        }
    }

    private static func split(_ path: Substring) -> (Substring, Substring?) {
        guard let dot = path.firstIndex(of: ".") else { return (path, nil) }
        return (path[..<dot], path[path.index(after: dot)...])
    }
}
