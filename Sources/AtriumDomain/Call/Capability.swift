/// What a participant may do in a room call, named as the ACS Calling SDK names its capabilities.
///
/// Seeing and hearing the others is everyone's and needs no check.
public enum Capability: String, CaseIterable, Sendable {
    case turnVideoOn = "TurnVideoOn"
    case unmuteMicrophone = "UnmuteMicrophone"
    case shareScreen = "ShareScreen"
    case muteOthers = "MuteOthers"
    case removeParticipant = "RemoveParticipant"
    case addCommunicationUser = "AddCommunicationUser"
    case addPhoneNumber = "AddPhoneNumber"
}

extension Role {
    /// The capability table of ACS rooms (ACS-WIRE.md, "Roles and in-call capabilities").
    public var capabilities: Set<Capability> {
        switch self {
        case .presenter: Set(Capability.allCases)
        case .collaborator: [.turnVideoOn, .unmuteMicrophone, .shareScreen]
        case .attendee: [.turnVideoOn, .unmuteMicrophone]
        case .consumer: []
        }
    }
}

extension Capability {
    /// A PSTN participant has no role: it may only mute and unmute itself.
    public static let phoneParticipant: Set<Capability> = [.unmuteMicrophone]
}
