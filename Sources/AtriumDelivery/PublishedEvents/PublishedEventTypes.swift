/// Every type Atrium publishes, and the log events each comes from.
///
/// The fan-out reads only the log events some subscription wants (see `FanOut.selection`).
public enum PublishedEventTypes {
    public static let callStarted = "Microsoft.Communication.CallStarted"
    public static let callEnded = "Microsoft.Communication.CallEnded"
    public static let callParticipantAdded = "Microsoft.Communication.CallParticipantAdded"
    public static let callParticipantRemoved = "Microsoft.Communication.CallParticipantRemoved"
    public static let recordingFileStatusUpdated = "Microsoft.Communication.RecordingFileStatusUpdated"
    public static let roomCreated = "Atrium.Rooms.RoomCreated"
    public static let roomUpdated = "Atrium.Rooms.RoomUpdated"
    public static let roomDeleted = "Atrium.Rooms.RoomDeleted"
    public static let roomRosterChanged = "Atrium.Rooms.RosterChanged"

    /// (published type, log event type) pairs.
    public static let sources: [(published: String, logEvent: String)] = [
        (callStarted, "CallStarted"),
        (callEnded, "CallEnded"),
        (callParticipantAdded, "CallParticipantJoined"),
        (callParticipantAdded, "CallDialOutAnswered"),
        (callParticipantRemoved, "CallParticipantLeft"),
        (callParticipantRemoved, "CallParticipantRemoved"),
        (recordingFileStatusUpdated, "CallRecordingFileReady"),
        (roomCreated, "RoomCreated"),
        (roomUpdated, "RoomUpdated"),
        (roomDeleted, "RoomDeleted"),
        (roomRosterChanged, "RoomParticipantAdded"),
        (roomRosterChanged, "RoomParticipantRoleChanged"),
        (roomRosterChanged, "RoomParticipantRemoved"),
    ]
}
